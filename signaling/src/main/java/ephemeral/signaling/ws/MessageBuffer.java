package ephemeral.signaling.ws;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One connection's unfinished message: the pieces Jetty read of it so far (a frame may arrive in several
 * reads, a message in several frames), bounded by {@code maxBytes}. Most messages come whole in one piece and
 * never touch it: {@link #text(ByteBuffer)} decodes those directly. Jetty delivers one connection's frames one
 * at a time, so this needs no lock.
 */
final class MessageBuffer {
    /** Scratch for decoding a piece out of a direct buffer, per thread; larger pieces get their own array. */
    private static final int SCRATCH_BYTES = 8 * 1024;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private final int maxBytes;
    /** The bytes so far (null until a message comes in pieces, and for a binary message, which is not kept). */
    private byte[] bytes;
    private int length;

    MessageBuffer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Bytes of the unfinished message so far; 0 between messages. */
    int length() {
        return length;
    }

    /**
     * Adds a piece of the unfinished message ({@code keep}: its bytes are kept, for text); false, and nothing
     * added, if the message would then pass {@code maxBytes}.
     */
    boolean add(ByteBuffer piece, boolean keep) {
        int n = piece.remaining();
        if (length + n > maxBytes) {
            return false;
        }
        if (keep) {
            if (bytes == null || bytes.length < length + n) {
                byte[] grown = new byte[Math.min(maxBytes, Math.max(2 * (length + n), 1024))];
                if (bytes != null) {
                    System.arraycopy(bytes, 0, grown, 0, length);
                }
                bytes = grown;
            }
            piece.duplicate().get(bytes, length, n);
        }
        length += n;
        return true;
    }

    /** The finished message's text; the buffer is empty again (and its memory let go) either way. */
    String take() throws CharacterCodingException {
        try {
            return decode(bytes, 0, length);
        } finally {
            clear();
        }
    }

    /** Forgets the unfinished message. */
    void clear() {
        bytes = null;
        length = 0;
    }

    /** The text of a message that came whole in one piece. */
    static String text(ByteBuffer piece) throws CharacterCodingException {
        int n = piece.remaining();
        if (piece.hasArray()) {
            return decode(piece.array(), piece.arrayOffset() + piece.position(), n);
        }
        byte[] scratch = n <= SCRATCH_BYTES ? SCRATCH.get() : new byte[n];
        piece.duplicate().get(scratch, 0, n);
        return decode(scratch, 0, n);
    }

    /**
     * Strict UTF-8: the JDK's fast decoder replaces what is malformed with U+FFFD, so a text holding one is
     * decoded again, strictly (a client may send U+FFFD itself; bad UTF-8 is rare and costs only then).
     */
    private static String decode(byte[] b, int offset, int n) throws CharacterCodingException {
        String s = new String(b, offset, n, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) {
            CharBuffer strict = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, offset, n));
            return strict.toString();
        }
        return s;
    }
}
