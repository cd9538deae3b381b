package ephemeral.e2e.bench;

import com.microsoft.playwright.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a visitor's time to content goes. An init script, added to a page before it navigates, wraps
 * {@code WebSocket} and {@code RTCPeerConnection} and records (once each, in {@code performance.now()}
 * of that page) every step of a first visit: the WebSocket opened, each signaling message type sent and
 * received, ICE and DTLS connected, the channel handed over and its first message. The app's own marks
 * ({@code want-sent}, {@code content-verified}, {@code content-shown}) and Navigation Timing fill in the
 * rest. Holder-side steps are read in the holder's page and put on the visitor's clock through
 * {@code performance.timeOrigin} (one machine, one wall clock).
 */
final class TtcProbe {
    private TtcProbe() {
    }

    static final String SCRIPT = """
            (() => {
              const marks = (window.__ttc = window.__ttc || {});
              const t = (name) => { if (!(name in marks)) marks[name] = performance.now(); };
              const kind = (m) => m.type === 'signal' && m.data
                ? 'signal-' + (m.data.sdp ? m.data.sdp.type : 'candidate') : m.type;
              const note = (prefix, text) => {
                try { t(prefix + kind(JSON.parse(text))); } catch (e) { /* not JSON: not ours */ }
              };
              const WS = window.WebSocket;
              window.WebSocket = class extends WS {
                constructor(...args) {
                  super(...args);
                  t('ws-created');
                  this.addEventListener('open', () => t('ws-open'));
                  this.addEventListener('message', (ev) => typeof ev.data === 'string' && note('rx-', ev.data));
                }
                send(data) {
                  if (typeof data === 'string') note('tx-', data);
                  return super.send(data);
                }
              };
              const PC = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends PC {
                constructor(...args) {
                  super(...args);
                  t('pc-created');
                  this.addEventListener('iceconnectionstatechange', () => t('ice-' + this.iceConnectionState));
                  this.addEventListener('connectionstatechange', () => t('pc-' + this.connectionState));
                  this.addEventListener('datachannel', (ev) => {
                    t('dc-received');
                    ev.channel.addEventListener('message', () => t('dc-first-message'), { once: true });
                  });
                }
                async setRemoteDescription(desc) {
                  const done = await super.setRemoteDescription(desc);
                  t('applied-' + (desc && desc.type));
                  return done;
                }
                async createAnswer(...args) {
                  const answer = await super.createAnswer(...args);
                  t('answer-created');
                  return answer;
                }
              };
            })();
            """;

    /** One step of a visit: its name, whose page marks it, and the mark. */
    private record Step(String name, boolean holder, String mark) {
    }

    /** The steps in the order a visit without early signaling takes them (with it, some overlap). */
    private static final List<Step> STEPS = List.of(
            new Step("html_received", false, "nav:responseEnd"),
            new Step("inline_script_run", false, "ws-created"),
            new Step("modules_fetched", false, "res:script"),
            new Step("modules_run", false, "nav:domContentLoadedEventStart"),
            new Step("ws_open", false, "ws-open"),
            new Step("welcome", false, "rx-welcome"),
            new Step("want_sent", false, "want-sent"),
            new Step("content_request_at_holder", true, "rx-content_request"),
            new Step("offer_sent", true, "tx-signal-offer"),
            new Step("offer_received", false, "rx-signal-offer"),
            new Step("offer_applied", false, "applied-offer"),
            new Step("answer_created", false, "answer-created"),
            new Step("answer_sent", false, "tx-signal-answer"),
            new Step("ice_connected", false, "ice-connected"),
            new Step("dtls_connected", false, "pc-connected"),
            new Step("channel_open", false, "dc-received"),
            new Step("first_byte", false, "dc-first-message"),
            new Step("verified", false, "content-verified"),
            new Step("shown", false, "content-shown"));

    /** @return the step names, in order */
    static List<String> steps() {
        return STEPS.stream().map(Step::name).toList();
    }

    /**
     * @return when each step happened, in ms since the visitor's navigation started (NaN: not seen; the
     *         WebSocket of a client without early signaling is created when its modules run)
     */
    static Map<String, Double> read(Page visitor, Page holder) {
        Map<String, Double> v = marks(visitor);
        Map<String, Double> h = marks(holder);
        double shift = origin(holder) - origin(visitor);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Step step : STEPS) {
            Double at = step.holder() ? shifted(h.get(step.mark()), shift) : v.get(step.mark());
            out.put(step.name(), at == null ? Double.NaN : at);
        }
        return out;
    }

    /** Marks of the holder page from before this visit would be stale: clear them between visits. */
    static void reset(Page holder) {
        holder.evaluate("() => { for (const k of Object.keys(window.__ttc || {})) delete window.__ttc[k]; }");
    }

    private static Double shifted(Double at, double shift) {
        return at == null ? null : at + shift;
    }

    private static double origin(Page page) {
        return ((Number) page.evaluate("() => performance.timeOrigin")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> marks(Page page) {
        Map<String, Object> raw = (Map<String, Object>) page.evaluate("""
                () => {
                  const out = Object.assign({}, window.__ttc || {});
                  const nav = performance.getEntriesByType('navigation')[0];
                  if (nav) {
                    out['nav:responseEnd'] = nav.responseEnd;
                    out['nav:domContentLoadedEventStart'] = nav.domContentLoadedEventStart;
                  }
                  const scripts = performance.getEntriesByType('resource').filter((r) => r.initiatorType !== 'fetch'
                      && r.name.endsWith('.js'));
                  if (scripts.length) out['res:script'] = Math.max(...scripts.map((r) => r.responseEnd));
                  for (const name of ['want-sent', 'content-verified', 'content-shown']) {
                    const e = performance.getEntriesByName(name)[0];
                    if (e) out[name] = e.startTime;
                  }
                  return out;
                }""");
        Map<String, Double> out = new LinkedHashMap<>();
        raw.forEach((k, val) -> out.put(k, ((Number) val).doubleValue()));
        return out;
    }
}
