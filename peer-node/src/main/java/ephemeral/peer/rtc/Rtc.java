package ephemeral.peer.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import ephemeral.protocol.signaling.ServerMessage;

/**
 * The process-wide {@link PeerConnectionFactory}. One per process (each lifecycle leaks natively),
 * with the headless audio module (the default one aborts the JVM on machines without audio).
 * All peer nodes of a JVM share it; {@link #dispose()} must run before the JVM can exit on its own.
 */
public final class Rtc {
    private static PeerConnectionFactory factory;

    private Rtc() {}

    public static synchronized PeerConnectionFactory factory() {
        if (factory == null) {
            factory = new PeerConnectionFactory(new HeadlessAudioDeviceModule());
        }
        return factory;
    }

    /** Disposes the factory; call after every peer node of the process is closed. */
    public static synchronized void dispose() {
        if (factory != null) {
            factory.dispose();
            factory = null;
        }
    }

    /** Resident set size of this process in kB (VmRSS of /proc/self/status), or -1 if unknown. */
    public static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
