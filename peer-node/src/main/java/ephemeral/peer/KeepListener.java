package ephemeral.peer;

import ephemeral.protocol.signaling.ServerMessage;

/** What a volunteer seed hears from the server (docs/protocol.md, "Keep-alive"). Called on the node's owner thread. */
public interface KeepListener {
    /** Connected (again): the server knows nothing of this node's offer yet. */
    void onWelcome();

    void onKeepRequest(ServerMessage.KeepRequest request);

    void onWeak(ServerMessage.Weak notice);
}
