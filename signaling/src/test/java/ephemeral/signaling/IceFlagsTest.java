package ephemeral.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The ICE flags: parsed into the configuration, or refused with a message and exit code 2 before listening. */
class IceFlagsTest {

    private static Main parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void turnFlagsBecomeTheConfiguration() {
        var ice = parse("--turn-url", "turn:192.0.2.1:3478", "--turn-secret", "s", "--turn-ttl", "90m",
                "--stun-url", "stun:192.0.2.1:3478", "--ice-transport-policy", "relay").config().ice();
        assertEquals(Duration.ofMinutes(90), ice.turnTtl());
        assertEquals("relay", ice.policy().wire());
        assertEquals("stun:192.0.2.1:3478", ice.servers().get(0).urls().get(0));
    }

    @Test
    void inconsistentFlagsAreRefusedWithAReason() {
        assertRefused("needs --turn-secret", "--turn-url", "turn:192.0.2.1:3478");
        assertRefused("no --turn-url", "--turn-secret", "s");
        assertRefused("needs a TURN server", "--ice-transport-policy", "relay");
        assertRefused("all or relay", "--ice-transport-policy", "nohost");
        assertRefused("a TURN URL is", "--turn-url", "http://192.0.2.1", "--turn-secret", "s");
        assertRefused("expected a number and a unit", "--turn-ttl", "6 hours");
    }

    private static void assertRefused(String why, String... args) {
        assertExits(2, why, args);
    }

    /** Runs {@code Main} with {@code args}; it must exit with {@code code}, having said {@code why}. */
    static void assertExits(int code, String why, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        // Main reports a bad combination on System.err itself (picocli's own errors go to cli.getErr())
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = cli.execute(args);
        } finally {
            System.setErr(saved);
        }
        String said = err + captured.toString(StandardCharsets.UTF_8);
        assertEquals(code, exit, said);
        assertTrue(said.contains(why), "expected '" + why + "' in: " + said);
    }
}
