package org.raftchat.bench;

/** Open loop: one write per intended start of the schedule, however many are still outstanding. */
final class OpenLoopDriver implements LoadDriver {

    private final OpenLoopPacer pacer;

    OpenLoopDriver(PostSender sender, OpenLoopSchedule schedule, long endNanos) {
        this.pacer = new OpenLoopPacer("bench-writer", schedule, endNanos, (op, intended) -> sender.post(op, intended, () -> { }));
    }

    @Override
    public void start() {
        pacer.start();
    }

    @Override
    public void awaitEnd() throws InterruptedException {
        pacer.join();
    }

    @Override
    public void stop() {
        pacer.stop();
    }
}
