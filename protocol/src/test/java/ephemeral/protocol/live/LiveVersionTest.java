package ephemeral.protocol.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Live page versions: the key and version formats, signing and verifying, and which version a peer keeps. */
class LiveVersionTest {
    /** RFC 8032, section 7.1, TEST 1. */
    static final byte[] RFC_SECRET = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    static final byte[] RFC_PUBLIC = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    static final byte[] RFC_SIG_OF_EMPTY = HexFormat.of().parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
            + "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    static final String HELLO = Sha256.of("hello".getBytes(StandardCharsets.UTF_8));

    static PrivateKey rfcPrivate() throws Exception {
        return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, RFC_SECRET));
    }

    @Test
    void theRawKeyIsRfc8032s() throws Exception {
        LiveKey key = LiveKey.ofRaw(RFC_PUBLIC);
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(key.publicKey());
        assertTrue(verify.verify(RFC_SIG_OF_EMPTY), "the RFC's signature of the empty message verifies with our key encoding");
        assertArrayEquals(RFC_PUBLIC, key.raw());
        assertEquals("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", key.text());
        assertEquals("/live/11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", key.address());
        assertEquals(key, LiveKey.ofAddress(key.address()));
        assertEquals(key, LiveKey.of(key.publicKey()));
    }

    /** The example of docs/protocol.md ("Live pages"): the RFC's key signs seq 1 of the page "hello". */
    @Test
    void theDocumentedExampleIsExactlyThis() throws Exception {
        LiveKey key = LiveKey.ofRaw(RFC_PUBLIC);
        LiveVersion v = LiveVersion.sign(rfcPrivate(), key, 1, HELLO, 5);
        assertEquals("ephemeral-live-v1\n11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\n1\n"
                + "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n5", new String(v.signedBytes(), StandardCharsets.US_ASCII));
        assertEquals("{\"key\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"seq\":1,"
                + "\"hash\":\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\",\"size\":5,"
                + "\"sig\":\"" + v.sig() + "\"}", Codec.encode(v));
        assertEquals(EXAMPLE_SIG, v.sig(), "Ed25519 is deterministic: the documented signature");
        assertTrue(v.verify());
        assertEquals(v, Codec.parseLiveVersion(Codec.encode(v)));
    }

    static final String EXAMPLE_SIG = "2Iym_52ruqI99AzjoY1JAjIPdRGLzxt7cd61DtiFgXrw7ueJgr5ayb1uwJugAkCw-aUc_J7lMhXGQfJ4Z6noDA";

    @Test
    void anyChangeBreaksTheSignature() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        LiveVersion v = LiveVersion.sign(pair.getPrivate(), key, 7, HELLO, 5);
        assertTrue(v.verify());
        assertFalse(new LiveVersion(key, 8, HELLO, 5, v.sig()).verify(), "a replayed signature on another seq");
        assertFalse(new LiveVersion(key, 7, Sha256.of(new byte[1]), 5, v.sig()).verify(), "another page");
        assertFalse(new LiveVersion(key, 7, HELLO, 6, v.sig()).verify(), "another size");
        assertFalse(new LiveVersion(LiveKey.ofRaw(RFC_PUBLIC), 7, HELLO, 5, v.sig()).verify(), "another key");
        char[] sig = v.sig().toCharArray();
        sig[10] = sig[10] == 'A' ? 'B' : 'A';
        assertFalse(new LiveVersion(key, 7, HELLO, 5, new String(sig)).verify(), "a changed signature");
    }

    @Test
    void aPeerTakesOnlyNewerVersionsOfItsAddress() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        LiveVersion v1 = LiveVersion.sign(pair.getPrivate(), key, 1, HELLO, 5);
        LiveVersion v2 = LiveVersion.sign(pair.getPrivate(), key, 2, Sha256.of(new byte[3]), 3);
        assertTrue(v1.supersedes(key, null));
        assertTrue(v2.supersedes(key, v1));
        assertFalse(v1.supersedes(key, v2), "an older version");
        assertFalse(v2.supersedes(key, v2), "a replay of the current one");
        LiveKey other = LiveKey.ofRaw(RFC_PUBLIC);
        assertFalse(v2.supersedes(other, v1), "a valid version of another key is not this page's");

        // an equivocating author: two pages under seq 2; every peer keeps the one with the lower hash
        LiveVersion v2b = LiveVersion.sign(pair.getPrivate(), key, 2, HELLO, 5);
        assertTrue(v2.equivocates(v2b) && v2b.equivocates(v2));
        LiveVersion lower = v2.hash().compareTo(v2b.hash()) < 0 ? v2 : v2b;
        LiveVersion higher = lower == v2 ? v2b : v2;
        assertTrue(lower.supersedes(key, higher));
        assertFalse(higher.supersedes(key, lower));
    }

    @Test
    void malformedVersionsAreRefusedByName() {
        String good = "{\"key\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"seq\":1,\"hash\":\"" + HELLO
                + "\",\"size\":5,\"sig\":\"" + "A".repeat(86) + "\"}";
        assertEquals(1, Codec.parseLiveVersion(good).seq());
        assertRefused(good.replace("\"seq\":1,", ""), "seq");
        assertRefused(good.replace("\"seq\":1", "\"seq\":0"), "seq must be");
        assertRefused(good.replace("\"seq\":1", "\"seq\":9007199254740992"), "seq must be");
        assertRefused(good.replace("\"seq\":1", "\"seq\":\"1\""), "seq");
        assertRefused(good.replace("\"size\":5", "\"size\":-1"), "size must be");
        assertRefused(good.replace("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR="), "live key");
        assertRefused(good.replace("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp"), "one spelling");
        assertRefused(good.replace("A".repeat(86), "A".repeat(85)), "sig is 86");
        assertRefused(good.replace("}", ",\"extra\":1}"), "extra");
        assertThrows(ProtocolException.class, () -> LiveKey.ofAddress("/" + HELLO));
    }

    private static void assertRefused(String json, String why) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.parseLiveVersion(json), json);
        assertTrue(e.getMessage().contains(why), "expected '" + why + "' in: " + e.getMessage());
    }
}
