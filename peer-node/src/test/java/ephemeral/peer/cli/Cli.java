package ephemeral.peer.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the CLI as a real subprocess (own JVM, real exit codes, real stdout). */
final class Cli {
    final Process process;
    final Path out;
    final Path err;

    private Cli(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Cli start(String... args) throws IOException {
        return startJvm(List.of(), args);
    }

    /** Starts the CLI in a JVM with these options (e.g. a small heap, and exit on running out of it). */
    static Cli startJvm(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Cli(p, out, err);
    }

    /** Runs to completion and returns the exit code. */
    static Cli run(String... args) throws Exception {
        return start(args).waitFor(60);
    }

    /** Waits for the process to exit, failing if it takes longer than {@code seconds}. */
    Cli waitFor(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("CLI did not exit: " + stderr());
        }
        return this;
    }

    int exitCode() {
        return process.exitValue();
    }

    byte[] stdoutBytes() throws IOException {
        return Files.readAllBytes(out);
    }

    String stdout() throws IOException {
        return Files.readString(out);
    }

    /** What the running process wrote to stdout so far ("" while unreadable): for waiting on its output. */
    String stdoutSoFar() {
        try {
            return stdout();
        } catch (IOException e) {
            return "";
        }
    }

    /** What the running process wrote to stderr so far ("" while unreadable). */
    String stderrSoFar() {
        try {
            return stderr();
        } catch (IOException e) {
            return "";
        }
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    /** SIGTERM, as Ctrl-C would; returns the exit code, failing if the process hangs. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("CLI did not stop on SIGTERM");
        }
        return process.exitValue();
    }
}
