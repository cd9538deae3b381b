package ephemeral.peer.live;

import ephemeral.peer.rtc.Channel;
import ephemeral.peer.store.Page;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.SignalData;
import java.util.function.Consumer;

/** What a live page's mesh needs of its node. Called on the node's owner thread. */
public interface MeshHost {
    /** This node's peer id at the server, or null before the first welcome. */
    String selfId();

    void send(ClientMessage m);

    /** Opens a {@code live} channel to {@code peer} (on a connection there is, else a new one); false over the caps. */
    boolean openLive(String peer, String topic, String key, Consumer<Channel> onChannel);

    /** Closes a connection being set up with {@code peer} for {@code topic} (an offer that lost to the other side's). */
    void dropSession(String peer, String topic);

    /** Hands a relayed signal to the connection machinery, as if the server had relayed it. */
    void signal(String from, String topic, SignalData data);

    /** Holds and announces a verified page; false when there is no room. */
    boolean hold(Page page);

    void release(String hash);

    boolean holds(String hash);

    void liar(String peer);

    int maxExclude();
}
