package ephemeral.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's nginx as an unprivileged child process serving one site file, everything it writes (pid, logs,
 * temp files) in one directory. The site goes into an {@code events {}} / {@code http {}} skeleton standing in
 * for Debian's {@code /etc/nginx/nginx.conf}, which includes {@code sites-enabled/*} inside {@code http {}}:
 * so a site file's top-level lines are in the http context, as they are on a real machine.
 */
public final class Nginx implements AutoCloseable {
    /** Where Debian's package puts it; scripts/install-deps installs it. */
    public static final Path EXECUTABLE = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final Process process;

    private Nginx(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Checks the configuration ({@code nginx -t}, so a bad site fails with nginx's own message), starts nginx
     * and waits until it has bound its ports (it writes its pid file only after that).
     *
     * @param dir  an empty directory for the configuration, pid, logs and temp files
     * @param site the site file's text (one or more {@code server {}} blocks and http-level directives)
     * @return the running nginx; close it to stop it
     */
    public static Nginx start(Path dir, String site) {
        requireInstalled();
        try {
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, skeleton(dir, site), StandardCharsets.UTF_8);
            List<String> command = List.of(EXECUTABLE.toString(), "-p", dir + "/", "-c", conf.toString(),
                    // the early error log, before the configuration's own is open (else /var/log/nginx/…)
                    "-e", dir.resolve("error.log").toString());
            List<String> test = new ArrayList<>(command);
            test.add("-t");
            Process check = new ProcessBuilder(test).redirectErrorStream(true).start();
            String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(20, TimeUnit.SECONDS) || check.exitValue() != 0) {
                check.destroyForcibly();
                throw new AssertionError("nginx rejects the configuration made from docs/deploy.md:\n" + checkOutput
                        + "\n--- " + conf + " ---\n" + Files.readString(conf));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            Nginx nginx = new Nginx(dir, process);
            try {
                Waits.until("nginx to bind its ports", Duration.ofSeconds(10), () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("nginx exited (" + process.exitValue() + "):\n" + nginx.errorLog());
                    }
                    return Files.exists(dir.resolve("nginx.pid"));
                });
            } catch (RuntimeException | Error e) {
                nginx.close();
                throw e;
            }
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while checking the nginx configuration", e);
        }
    }

    /** Fails (never skips: a missing proxy must not pass as "tested") unless Debian's nginx is installed. */
    public static void requireInstalled() {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new AssertionError(EXECUTABLE + " is missing: run scripts/install-deps (as root) to install "
                    + "Debian's nginx, which the reverse-proxy test (docs/deploy.md) needs");
        }
    }

    /** The minimal main and http contexts a site file needs, with every path inside {@code dir}. */
    private static String skeleton(Path dir, String site) {
        String d = dir.toString();
        return "# made by " + Nginx.class.getName() + ": a stand-in for /etc/nginx/nginx.conf\n"
                + "daemon off;\n"
                + "worker_processes 1;\n"
                + "pid " + d + "/nginx.pid;\n"
                + "error_log " + d + "/error.log notice;\n"
                + "events {\n    worker_connections 256;\n}\n"
                + "http {\n"
                + "    access_log " + d + "/access.log;\n"
                + "    client_body_temp_path " + d + "/client_body_temp;\n"
                + "    proxy_temp_path " + d + "/proxy_temp;\n"
                + "    fastcgi_temp_path " + d + "/fastcgi_temp;\n"
                + "    uwsgi_temp_path " + d + "/uwsgi_temp;\n"
                + "    scgi_temp_path " + d + "/scgi_temp;\n"
                + "    # ---- the site file (docs/deploy.md) ----\n"
                + site.indent(4)
                + "}\n";
    }

    /**
     * The code block of a Markdown file that is fenced with {@code ```lang}; fails unless there is exactly one.
     *
     * @param markdown the file's text
     * @param lang     the info string, e.g. "nginx"
     * @return the block's text, without the fences
     */
    public static String codeBlock(String markdown, String lang) {
        Matcher m = Pattern.compile("(?m)^```" + Pattern.quote(lang) + "[ \\t]*\\n(.*?)^```[ \\t]*$", Pattern.DOTALL)
                .matcher(markdown);
        if (!m.find()) {
            throw new AssertionError("no ```" + lang + " block in the deployment docs");
        }
        String block = m.group(1);
        if (m.find()) {
            throw new AssertionError("more than one ```" + lang + " block in the deployment docs: which one is tested?");
        }
        return block;
    }

    /**
     * Replaces every match of {@code regex} in {@code text}, failing unless there are exactly {@code expected}
     * matches: when the docs change shape, the test says so instead of silently testing something else.
     * {@code replacement} is as for {@link Matcher#replaceAll(String)} ({@code $1} is the first group).
     */
    public static String replace(String text, String regex, String replacement, int expected) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int found = 0;
        while (m.find()) found++;
        if (found != expected) {
            throw new AssertionError("expected " + expected + " match(es) of /" + regex + "/ in the docs' block, found "
                    + found + ":\n" + text);
        }
        return m.replaceAll(replacement);
    }

    /** @return nginx's error log so far (for failure messages) */
    public String errorLog() {
        return log("error.log");
    }

    /** @return nginx's access log so far: what the proxy answered (for failure messages) */
    public String accessLog() {
        return log("access.log");
    }

    private String log(String name) {
        try {
            Path log = dir.resolve(name);
            return Files.exists(log) ? Files.readString(log) : "(no " + name + ")";
        } catch (IOException e) {
            return "(" + name + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops nginx (SIGTERM: fast shutdown of master and workers) and waits until all of it is gone. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle w : workers) {
                if (w.isAlive()) {
                    w.destroyForcibly();
                    w.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new AssertionError("nginx did not stop", e);
        }
    }
}
