package ephemeral.peer.cli;

import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.seed.Keeps;
import ephemeral.peer.seed.Seed;
import ephemeral.peer.seed.SeedOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "seed", mixinStandardHelpOptions = true,
        description = {"Volunteer to keep pages alive: take keep requests from holders (through the server),",
                "fetch each page peer-to-peer (verified), serve it, and drop it when its time is up."},
        footerHeading = "%nExamples:%n",
        footer = {"  peer-node seed --server https://pages.example.org --store /var/lib/seed --capacity 20G --keep-for 7d",
                "  peer-node seed --store /var/lib/seed --list",
                "  peer-node seed --store /var/lib/seed --unpin 3f2a…   (with the seed stopped)"})
final class SeedCommand implements Callable<Integer> {
    @Option(names = "--store", paramLabel = "DIR", required = true,
            description = "Where kept pages and their times (keeps.txt) live; a restarted seed serves them again.")
    Path store;

    @Option(names = "--capacity", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "20G",
            description = "Page bytes kept at most. Default: ${DEFAULT-VALUE}.")
    long capacity;

    @Option(names = "--keep-for", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "7d",
            description = "Longest a page is kept per request (a holder asking again renews it). Default: ${DEFAULT-VALUE}.")
    Duration keepFor;

    @Option(names = "--adopt-weak",
            description = "Also keep pages the server says are down to their last holder, unasked.")
    boolean adoptWeak;

    @Option(names = "--deny", paramLabel = "FILE",
            description = "Hashes (or links) never kept, one per line, '#' comments; re-read while running.")
    Path denyFile;

    @Option(names = "--list", description = "Print what the store keeps and until when, then exit.")
    boolean list;

    @Option(names = "--unpin", paramLabel = "LINK", converter = PageLink.Arg.class,
            description = "Remove a page (link or hash) from a stopped seed's store, then exit.")
    PageLink unpin;

    @Mixin
    CommonOptions common;

    @Mixin
    ServingOptions serving;

    @Mixin
    HoldersOption holders;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (list) {
                return list();
            }
            if (unpin != null) {
                return unpin(err);
            }
        } catch (IOException | UncheckedIOException e) {
            err.println("error: cannot read the store " + store + ": "
                    + (e instanceof IOException io ? Files2.reason(io) : e.getMessage()));
            return Main.IO_ERROR;
        }
        SeedOptions options = SeedOptions.of(store, capacity, keepFor).withMaxPage(serving.maxPageBytes)
                .withAdoptWeak(adoptWeak).withDenyFile(denyFile);
        Seed seed;
        try {
            seed = Seed.start(holders.apply(serving.apply(common.config(common.serverFor(java.util.List.of())))), options);
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (IOException | UncheckedIOException e) {
            err.println("error: cannot open the store " + store + ": "
                    + (e instanceof IOException io ? Files2.reason(io) : e.getMessage()));
            return Main.IO_ERROR;
        }
        if (!common.quiet) {
            err.println("volunteering: " + seed.keeps().all().size() + " page(s) kept, " + Sizes.human(seed.free())
                    + " free, pages up to " + Sizes.human(serving.maxPageBytes) + " kept for up to " + keepFor.toDays()
                    + (keepFor.toDays() == 1 ? " day" : " days") + (adoptWeak ? "; adopting pages down to one holder" : "")
                    + "; Ctrl-C to stop");
            err.flush();
        }
        return Serve.untilStopped(seed.node());
    }

    private int list() throws IOException {
        Map<String, Instant> all = Keeps.open(store).all();
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<String, Instant> e : all.entrySet()) {
            Path file = store.resolve(e.getKey());
            String size = Files.exists(file) ? Sizes.human(Files.size(file)) : "missing";
            out.println(e.getKey() + "  " + size + "  until " + e.getValue().truncatedTo(ChronoUnit.SECONDS));
        }
        out.flush();
        return 0;
    }

    private int unpin(PrintWriter err) throws IOException {
        String hash = unpin.hash();
        Keeps keeps = Keeps.open(store);
        boolean had = Files.deleteIfExists(store.resolve(hash)) | keeps.until(hash).isPresent();
        keeps.remove(hash);
        if (!had) {
            err.println("error: " + store + " does not keep " + hash);
            return Main.IO_ERROR;
        }
        err.println("removed " + hash);
        return 0;
    }
}
