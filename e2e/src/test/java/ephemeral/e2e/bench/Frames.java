package ephemeral.e2e.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads fields of server frames by string search instead of a JSON parser: the load generator must cost
 * far less than the server it measures, and the server's frames have a fixed, known shape.
 */
final class Frames {
    private Frames() {
    }

    private static final String TYPE = "{\"type\":\"";

    /** Whether the frame starts with {@code {"type":"<type>"}: checked in place, nothing allocated. */
    static boolean isType(String frame, String type) {
        int end = TYPE.length() + type.length();
        return frame.length() > end && frame.startsWith(TYPE) && frame.startsWith(type, TYPE.length()) && frame.charAt(end) == '"';
    }

    /** The value of a string field, or null. */
    static String field(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int start = frame.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        return frame.substring(start, frame.indexOf('"', start));
    }

    /** The value of an integer field. */
    static int intField(String frame, String name) {
        String key = "\"" + name + "\":";
        int start = frame.indexOf(key) + key.length();
        int end = start;
        while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
            end++;
        }
        return Integer.parseInt(frame.substring(start, end));
    }

    /** The decimal number right after {@code marker}, or -1 if the marker is absent. */
    static long numberAfter(String frame, String marker) {
        int start = frame.indexOf(marker);
        if (start < 0) {
            return -1;
        }
        long value = 0;
        for (int i = start + marker.length(); i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
