package ephemeral.peer.transfer;

import ephemeral.peer.store.Body;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Where a fetch's bytes go as they arrive: an array for a small page (in order: one holder at a time), a
 * spool file for a page of {@link Body#ON_DISK_FROM} bytes or more (the browser's threshold for OPFS, too),
 * written at each range's place, so a page of gigabytes never enters the heap. Written on the owner's
 * executor; read back for hashing once every byte is there.
 */
abstract sealed class Sink permits Sink.Memory, Sink.Spooled {
    /** A sink for a page the holder says has {@code size} bytes (a claim, so nothing is allocated for it). */
    static Sink open(long size, Spool spool, String hash) throws IOException {
        return size >= Body.ON_DISK_FROM ? new Spooled(spool.newFile(hash)) : new Memory(size);
    }

    /** Writes {@code bytes[0, length)} at {@code pos}. */
    abstract void write(long pos, byte[] bytes, int length) throws IOException;

    /** Feeds bytes {@code [from, to)} to {@code digest}. */
    abstract void digest(MessageDigest digest, long from, long to) throws IOException;

    /** The bytes received, as a page body; the sink is spent. */
    abstract Body finish(long size) throws IOException;

    /** Forgets every byte (a spool file is deleted). */
    abstract void discard();

    static final class Memory extends Sink {
        private byte[] buf;
        private int length;

        Memory(long size) {
            // grown as bytes arrive: a header alone must not make us allocate its whole size
            buf = new byte[(int) Math.min(size, 1 << 20)];
        }

        @Override
        void write(long pos, byte[] bytes, int n) {
            if (pos != length) {
                throw new IllegalStateException("a page in memory is received in order");
            }
            if (length + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
            }
            System.arraycopy(bytes, 0, buf, length, n);
            length += n;
        }

        @Override
        void digest(MessageDigest digest, long from, long to) {
            digest.update(buf, (int) from, (int) (to - from));
        }

        @Override
        Body finish(long size) {
            return Body.of(buf.length == length ? buf : Arrays.copyOf(buf, length));
        }

        @Override
        void discard() {
            buf = new byte[0];
            length = 0;
        }
    }

    static final class Spooled extends Sink {
        private final Path path;
        private final FileChannel out;

        Spooled(Path path) throws IOException {
            this.path = path;
            this.out = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        void write(long pos, byte[] bytes, int n) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, n);
            while (b.hasRemaining()) {
                out.write(b, pos + b.position());
            }
        }

        @Override
        void digest(MessageDigest digest, long from, long to) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            for (long pos = from; pos < to; ) {
                b.clear().limit((int) Math.min(b.capacity(), to - pos));
                int n = out.read(b, pos);
                if (n < 0) {
                    throw new IOException("spool file " + path + " ends at " + pos + ", before " + to);
                }
                digest.update(b.array(), 0, n);
                pos += n;
            }
        }

        @Override
        Body finish(long size) throws IOException {
            out.close();
            return new Body.File(path, size, true);
        }

        @Override
        void discard() {
            try {
                out.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // left for the spool's sweep when the peer closes
            }
        }
    }
}
