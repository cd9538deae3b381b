package ephemeral.peer.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.peer.transfer.Exclusions.Fault;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExclusionsTest {
    @Test
    void failedHoldersAreExcludedUntilEveryHolderFailedOnce() {
        Exclusions ex = new Exclusions();
        ex.holders(3);
        ex.blame("a", Fault.STALLED);
        assertEquals(List.of("a"), ex.forWant(64));
        ex.blame("b", Fault.STALLED);
        assertEquals(List.of("a", "b"), ex.forWant(64));
        ex.blame("c", Fault.STALLED);
        assertEquals(List.of(), ex.forWant(64), "all three failed once: all get another chance");
    }

    @Test
    void liarsAreExcludedForGood() {
        Exclusions ex = new Exclusions();
        ex.holders(2);
        ex.blame("liar", Fault.BAD_BYTES);
        ex.blame("rude", Fault.PROTOCOL);
        assertEquals(List.of("liar", "rude"), ex.forWant(64));
        ex.holders(3);
        ex.blame("slow", Fault.STALLED);
        assertEquals(List.of("liar", "rude"), ex.forWant(64), "the only honest holder failed: asked again");
        ex.blame("slow", Fault.STALLED);
        ex.blame("slow", Fault.PROTOCOL);
        ex.holders(4);
        assertEquals(List.of("liar", "rude", "slow"), ex.forWant(64));
    }

    @Test
    void soleHolderThatFailedIsAskedAgainAndReconnectForgetsEveryone() {
        Exclusions ex = new Exclusions();
        ex.holders(1);
        ex.blame("only", Fault.STALLED);
        assertEquals(List.of(), ex.forWant(64));
        ex.blame("liar", Fault.BAD_BYTES);
        ex.clear();
        assertEquals(List.of(), ex.forWant(64));
    }

    @Test
    void excludeListIsCappedKeepingTheNewest() {
        Exclusions ex = new Exclusions();
        ex.holders(10);
        for (int i = 0; i < 5; i++) {
            ex.blame("p" + i, Fault.PROTOCOL);
        }
        assertEquals(List.of("p3", "p4"), ex.forWant(2));
    }

    @Test
    void aConflictBlamesNobody() {
        Exclusions ex = new Exclusions();
        ex.holders(3);
        ex.blame("a", Fault.CONFLICT);
        assertEquals(List.of(), ex.forWant(64));
    }
}
