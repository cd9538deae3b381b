package ephemeral.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds page content in a frame, in any form a leaking client could put it there: the raw bytes (as
 * text, or Latin-1 for binary pages), hex, base64 and base64url at every byte alignment, and JSON-escaped
 * text — and any stretch of it, not just its first bytes. Each encoding of a registered page is cut into
 * windows of {@link #WINDOW} characters every {@code stride} characters and remembered by a 64-bit rolling
 * hash; a frame holding {@code WINDOW + stride - 1} consecutive characters of an encoding contains one whole
 * window and is caught. The stride is {@link #STRIDE} (about 47 bytes of a page caught in hex, 70 in base64,
 * 95 raw), growing for pages of megabytes so that one encoding keeps at most {@link #MAX_WINDOWS} windows
 * (a 32 MiB page: any 160 bytes). Shorter encodings must appear whole; encodings under {@link #MIN_WHOLE}
 * characters are not looked for. Thread-safe.
 */
public final class ContentGuard {
    static final int WINDOW = 64;
    static final int STRIDE = 32;
    static final int MAX_WINDOWS = 1 << 18;
    /**
     * Encodings shorter than this are not looked for: a 3-byte page's base64 tail is 2 characters, which
     * random peer ids hold by chance (a false leak report), and so little content proves nothing.
     */
    static final int MIN_WHOLE = 8;
    private static final long BASE = 1_000_003L;
    private static final long BASE_POW; // BASE^(WINDOW-1), to roll the first character out

    static {
        long p = 1;
        for (int i = 1; i < WINDOW; i++) {
            p *= BASE;
        }
        BASE_POW = p;
    }

    private final LongSet windows = new LongSet();
    private final List<String> whole = new ArrayList<>();

    /** Remembers {@code content} (a page's bytes) in every form it could be smuggled in. */
    public synchronized void register(byte[] content) {
        for (String encoded : encodings(content)) {
            if (encoded.length() < WINDOW + STRIDE) { // too short to window: must appear whole
                if (encoded.length() >= MIN_WHOLE) {
                    whole.add(encoded);
                }
                continue;
            }
            int stride = Math.max(STRIDE, (int) Math.ceil(encoded.length() / (double) MAX_WINDOWS));
            for (int at = 0; at + WINDOW <= encoded.length(); at += stride) {
                windows.add(hash(encoded, at));
            }
        }
    }

    public void register(String text) {
        register(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where in {@code frame} registered content shows, or empty. */
    public synchronized Optional<String> find(String frame) {
        for (String w : whole) {
            if (frame.contains(w)) {
                return Optional.of("at " + frame.indexOf(w) + ": " + clip(w));
            }
        }
        if (frame.length() < WINDOW || windows.isEmpty()) {
            return Optional.empty();
        }
        long h = hash(frame, 0);
        for (int at = 0; ; at++) {
            if (windows.contains(h)) {
                return Optional.of("at " + at + ": " + clip(frame.substring(at, at + WINDOW)));
            }
            if (at + WINDOW >= frame.length()) {
                return Optional.empty();
            }
            h = (h - frame.charAt(at) * BASE_POW) * BASE + frame.charAt(at + WINDOW);
        }
    }

    private static List<String> encodings(byte[] b) {
        List<String> out = new ArrayList<>();
        String utf8 = utf8(b);
        if (utf8 != null) { // text: as itself, and as a JSON string value would carry it
            out.add(utf8);
            out.add(jsonEscaped(utf8, false)); // as JSON.stringify and Jackson write it
            out.add(jsonEscaped(utf8, true));  // with every non-ASCII character as \\uXXXX
        } else {
            out.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        out.add(HexFormat.of().formatHex(b));
        for (int shift = 0; shift < 3 && shift < b.length; shift++) {
            byte[] tail = java.util.Arrays.copyOfRange(b, shift, b.length);
            out.add(Base64.getEncoder().withoutPadding().encodeToString(tail));
            out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(tail));
        }
        return out;
    }

    /** The bytes as text if they are well-formed UTF-8, else null (binary: no text form to look for). */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** As a JSON string value would carry it (quotes, backslashes, controls and non-ASCII escaped). */
    private static String jsonEscaped(String s, boolean asciiOnly) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if ("\n\r\t\b\f".indexOf(c) >= 0) {
                sb.append('\\').append("nrtbf".charAt("\n\r\t\b\f".indexOf(c)));
            } else if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static long hash(String s, int at) {
        long h = 0;
        for (int i = at; i < at + WINDOW; i++) {
            h = h * BASE + s.charAt(i);
        }
        return h;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** An open-addressing set of longs: a page of megabytes makes millions of windows. */
    private static final class LongSet {
        private long[] slots = new long[1024];
        private boolean hasZero;
        private int size;

        void add(long v) {
            if (v == 0) {
                hasZero = true;
                return;
            }
            if ((size + 1) * 2 > slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long o : old) {
                    if (o != 0) {
                        insert(o);
                    }
                }
            }
            insert(v);
        }

        private void insert(long v) {
            int mask = slots.length - 1;
            for (int i = (int) (mix(v) & mask); ; i = (i + 1) & mask) {
                if (slots[i] == v) {
                    return;
                }
                if (slots[i] == 0) {
                    slots[i] = v;
                    size++;
                    return;
                }
            }
        }

        boolean contains(long v) {
            if (v == 0) {
                return hasZero;
            }
            int mask = slots.length - 1;
            for (int i = (int) (mix(v) & mask); ; i = (i + 1) & mask) {
                if (slots[i] == v) {
                    return true;
                }
                if (slots[i] == 0) {
                    return false;
                }
            }
        }

        boolean isEmpty() {
            return size == 0 && !hasZero;
        }

        private static long mix(long v) {
            v ^= v >>> 33;
            v *= 0xff51afd7ed558ccdL;
            return v ^ (v >>> 33);
        }
    }
}
