package ephemeral.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ephemeral.e2e.Browsers.Kind;
import ephemeral.protocol.Codec;
import ephemeral.protocol.Sha256;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live page versions cross stacks (docs/protocol.md, "Live pages"): what the Java peer signs, Chromium and
 * Firefox verify with WebCrypto's Ed25519, and what a browser author signs with a key it cannot export, the
 * Java peer verifies. A changed version, or one of another key, is refused on both sides.
 */
class LiveVersionsE2ETest extends BrowserE2E {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void versionsSignedOnOneStackVerifyOnTheOther(Kind kind) throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LiveKey key = LiveKey.of(pair.getPublic());
        String page = Sha256.of(("version one " + secret("live")).getBytes(StandardCharsets.UTF_8));
        LiveVersion javaSigned = LiveVersion.sign(pair.getPrivate(), key, 1, page, 40);
        String tampered = Codec.encode(new LiveVersion(key, 2, page, 40, javaSigned.sig()));

        AppPage tab = AppPage.in(browsers, kind).open(server.baseUrl() + "/");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) tab.page().evaluate("async ([signed, tampered, page]) => {"
                + "  const live = await import('/static/js/live.js');"
                + "  const v = JSON.parse(signed), t = JSON.parse(tampered);"
                + "  const author = await live.newAuthor();"
                + "  const mine = await live.signVersion(author, 7, page, 1234);"
                + "  return {"
                + "    javaVerifies: await live.verifyVersion(v),"
                + "    tamperedVerifies: await live.verifyVersion(t),"
                + "    takesJava: await live.supersedes(v, live.keyOfAddress('/live/' + v.key), null),"
                + "    takesOtherKey: await live.supersedes(v, author.key, null),"
                + "    takesOlder: await live.supersedes(v, v.key, mine.key === v.key ? mine : {...v, seq: 2}),"
                + "    exportable: author.privateKey.extractable,"
                + "    mine: JSON.stringify(mine)"
                + "  };"
                + "}", List.of(Codec.encode(javaSigned), tampered, page));

        assertEquals(true, result.get("javaVerifies"), "the browser verifies the Java peer's signature");
        assertEquals(false, result.get("tamperedVerifies"), "a version whose seq was changed fails");
        assertEquals(true, result.get("takesJava"));
        assertEquals(false, result.get("takesOtherKey"), "a valid version of another key is not this page's");
        assertEquals(false, result.get("takesOlder"), "an older seq is not taken");
        assertEquals(false, result.get("exportable"), "the author's private key cannot leave the browser");
        LiveVersion browserSigned = Codec.parseLiveVersion((String) result.get("mine"));
        assertEquals(7, browserSigned.seq());
        assertTrue(browserSigned.verify(), "the Java peer verifies the browser's signature");
        assertTrue(browserSigned.supersedes(browserSigned.key(), null));
        tab.close();
    }
}
