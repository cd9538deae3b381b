package ephemeral.signaling.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The wanter's bounded pair table against a {@code LinkedHashMap} doing the same by the book: the same
 * entries, the same one forgotten when full, through growth, evictions and colliding keys.
 */
class PairTableTest {

    @Test
    void forgetsTheLeastRecentlyTouchedWhenFull() {
        PairTable table = new PairTable(3);
        int a = table.put("a", "p");
        table.put("b", "p");
        table.put("c", "p");
        table.touch(a);
        table.put("d", "p");
        assertEquals(-1, table.find("b", "p"), "b was the least recently touched");
        assertTrue(table.find("a", "p") >= 0 && table.find("c", "p") >= 0 && table.find("d", "p") >= 0);
        assertEquals(3, table.size());
    }

    @Test
    void aHolderAloneAndAHolderWithAPageAreDifferentKeys() {
        PairTable table = new PairTable(8);
        int alone = table.put("h", null);
        int withPage = table.put("h", "p");
        table.time(alone, 1);
        table.time(withPage, 2);
        assertEquals(1, table.time(table.find("h", null)));
        assertEquals(2, table.time(table.find("h", "p")));
        assertEquals(-1, table.find("h", "q"));
        assertTrue(Double.isNaN(table.amount(alone)), "a new row's amount is NaN: a full bucket");
    }

    @Test
    void agreesWithALinkedHashMapOverManyRandomOperations() {
        int max = 64;
        PairTable table = new PairTable(max);
        Map<List<String>, Long> model = new LinkedHashMap<>(); // insertion order = touch order, oldest first
        SplittableRandom random = new SplittableRandom(7);
        // "Aa" and "BB" share a hash code: collisions and long probe runs are part of the test
        String[] holders = new String[150];
        for (int i = 0; i < holders.length; i++) {
            holders[i] = (i % 2 == 0 ? "Aa" : "BB") + (i / 2);
        }
        String[] pages = {null, "p", "q"};
        for (int step = 0; step < 200_000; step++) {
            List<String> key = new ArrayList<>();
            key.add(holders[random.nextInt(holders.length)]);
            key.add(pages[random.nextInt(pages.length)]);
            int row = table.find(key.get(0), key.get(1));
            Long expected = model.get(key);
            assertEquals(expected != null, row >= 0, "step " + step + ": " + key);
            if (row >= 0) {
                assertEquals((long) expected, table.time(row));
            }
            if (random.nextInt(3) == 0 && row >= 0) {
                table.touch(row);
                model.put(key, model.remove(key));
            } else if (random.nextBoolean()) {
                table.time(table.put(key.get(0), key.get(1)), step);
                model.remove(key);
                model.put(key, (long) step);
                if (model.size() > max) {
                    model.remove(model.keySet().iterator().next());
                }
            }
            assertEquals(model.size(), table.size());
        }
        for (Map.Entry<List<String>, Long> e : model.entrySet()) {
            assertEquals((long) e.getValue(), table.time(table.find(e.getKey().get(0), e.getKey().get(1))));
        }
        table.clear();
        assertEquals(0, table.size());
        assertEquals(-1, table.find(holders[0], null));
    }
}
