package dev.livesync.sync;

import dev.livesync.sync.TargetQueue.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A target's sends whose deletions were put off while another send's were judged
 * ({@link WithoutDeletions#busy}): each goes again when a send that was running when it was put off
 * ends (the judged one is among them), not only when its retry delay is over. Waiting the delay,
 * a {@code git reset --hard} was equal at the target 1.0–1.6 s after it ended instead of about 0.5.
 * One that is put off again waits for the sends running then. Engine loop thread only.
 */
final class JudgementWaits {
  /** {@code startedBefore}: the sends that started before it was put off (their {@link ParentTimes} places). */
  private record Waiting(Task task, long startedBefore) {}

  private final List<Waiting> waiting = new ArrayList<>();

  /**
   * {@code t} (queued) waits for the end of one of the sends started before the {@code startedBefore}th;
   * with none of them running any more ({@code othersRunning} false), the judgement is over: at once.
   */
  void putOff(Task t, long startedBefore, boolean othersRunning, long nowNanos) {
    if (othersRunning) waiting.add(new Waiting(t, startedBefore));
    else t.notBefore = Math.min(t.notBefore, nowNanos);
  }

  /** The send started as {@code seq} ended at {@code nowNanos}: those it may have held back may start now. */
  void ended(long seq, long nowNanos) {
    waiting.removeIf(w -> {
      if (seq >= w.startedBefore()) return !w.task().queued();
      if (w.task().queued() && w.task().notBefore > nowNanos) w.task().notBefore = nowNanos;
      return true;
    });
  }
}
