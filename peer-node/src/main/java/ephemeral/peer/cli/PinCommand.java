package ephemeral.peer.cli;

import ephemeral.peer.PageUnavailableException;
import ephemeral.peer.PeerNode;
import ephemeral.protocol.live.LiveKey;
import java.time.Instant;
import java.util.Objects;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.store.Page;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pin", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fetch pages from whoever holds them (verified), then hold and serve them until stopped: a seed.",
        footerHeading = "%nExamples:%n",
        footer = {"  peer-node pin 'https://pages.example.org/3f2a…#n=120'        (the server comes from the link)",
                "  peer-node pin --store ~/.ephemeral-seed 3f2a… 9b1c… --server https://pages.example.org",
                "  peer-node pin --store ~/.ephemeral-seed                     (restart: serves what the store holds)",
                "  peer-node pin https://pages.example.org/live/11qYAYKx…     (a live page: holds each new version)"})
final class PinCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "LINK", converter = PageLink.Arg.class,
            description = "Pages to pin (links or hashes; a live page's link follows its updates). With --store, pages already stored are served too.")
    List<PageLink> links = new ArrayList<>();

    @Option(names = "--store", paramLabel = "DIR",
            description = "Keep pinned pages in DIR so a restarted seed serves them at once. Without it nothing touches disk.")
    Path store;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "60s",
            description = "How long to try to fetch each page. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Mixin
    CommonOptions common;

    @Mixin
    ServingOptions serving;

    @Mixin
    MemoryOption memory;

    @Mixin
    HoldersOption holders;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        if (links.isEmpty() && store == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give at least one LINK, or --store DIR");
        }
        String server = common.serverFor(links);
        PeerNode node;
        try {
            node = PeerNode.start(holders.apply(memory.apply(serving.apply(common.config(server)))).withStoreDir(store));
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (IOException | UncheckedIOException e) {
            err.println("error: cannot open the store " + store + ": "
                    + (e instanceof IOException io ? Files2.reason(io) : e.getMessage()));
            return Main.IO_ERROR;
        }
        if (!node.held().isEmpty()) {
            err.println("serving " + node.held().size() + " stored page(s)");
        }
        int failed = 0;
        for (LiveKey live : new LinkedHashSet<>(links.stream().map(PageLink::live).filter(Objects::nonNull).toList())) {
            node.follow(live, v -> {
                if (!common.quiet) {
                    err.println(Instant.now() + " " + live.address() + ": version " + v.seq() + " (" + v.size() + " bytes)");
                    err.flush();
                }
            });
            try {
                node.awaitLive(live, 1, timeout);
            } catch (PageUnavailableException e) {
                failed++;
                err.println("error: cannot pin " + live.address() + ": " + e.getMessage());
            }
        }
        List<CompletableFuture<Page>> pins = new ArrayList<>();
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(links.stream().map(PageLink::hash).filter(Objects::nonNull).toList()));
        for (String h : wanted) {
            pins.add(node.fetch(h, true, timeout));
        }
        for (int i = 0; i < wanted.size(); i++) {
            try (Progress p = new Progress(node, wanted.get(i), !common.quiet)) {
                pins.get(i).get();
                if (!common.quiet) {
                    err.println("pinned " + node.link(wanted.get(i)));
                }
            } catch (ExecutionException e) {
                failed++;
                err.println("error: cannot pin " + wanted.get(i) + ": " + describe(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (node.held().isEmpty()) {
            err.println("error: no page could be pinned");
            node.close();
            return Main.PAGE_UNAVAILABLE;
        }
        if (!common.quiet) {
            err.println("serving " + node.held().size() + " page(s)" + (failed > 0 ? " (" + failed + " not had)" : "")
                    + "; Ctrl-C to stop");
        }
        err.flush();
        return Serve.untilStopped(node);
    }

    static String describe(Throwable t) {
        return t instanceof java.util.concurrent.TimeoutException
                ? "no holder delivered it in time" : String.valueOf(t.getMessage());
    }
}
