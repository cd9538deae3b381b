package ephemeral.peer.transfer;

import ephemeral.peer.store.Body;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where a fetch's bytes go as they arrive, in order: an array for a small page, a spool file for a page
 * of {@link Body#ON_DISK_FROM} bytes or more (the browser's threshold for OPFS, too), so a page of gigabytes never enters the heap. Owned by the
 * owner's executor.
 */
abstract sealed class Sink permits Sink.Memory, Sink.Spooled {
    /** A sink for a page the holder says has {@code size} bytes (a claim, so nothing is allocated for it). */
    static Sink open(long size, Spool spool, String hash) throws IOException {
        return size >= Body.ON_DISK_FROM ? new Spooled(spool.newFile(hash)) : new Memory(size);
    }

    abstract void append(byte[] bytes) throws IOException;

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
        void append(byte[] bytes) {
            if (length + bytes.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + bytes.length));
            }
            System.arraycopy(bytes, 0, buf, length, bytes.length);
            length += bytes.length;
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
            this.out = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        void append(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
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
