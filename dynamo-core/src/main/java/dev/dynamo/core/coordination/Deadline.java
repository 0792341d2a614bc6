package dev.dynamo.core.coordination;

import dev.dynamo.core.time.Cancellable;

/**
 * The timer of a request's deadline, armed after the request's first attempts are made
 * (which may already have answered it) and cancelled when every replica has answered.
 */
final class Deadline {
    private volatile Cancellable timer;
    private volatile boolean over;

    void arm(Cancellable t) {
        timer = t;
        if (over) {
            t.cancel(); // answered while being armed
        }
    }

    void cancel() {
        over = true;
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    boolean isOver() {
        return over;
    }
}
