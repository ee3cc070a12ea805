package dev.livesync.sync;

import dev.livesync.transport.TransferResult;

/**
 * Told, on the engine loop thread, each time a work item reached a target ({@code bench} measures
 * lag with it; tests await convergence). Must return quickly.
 */
public interface DeliveryListener {
  void delivered(String target, WorkItem item, TransferResult result, long nowNanos);

  DeliveryListener NONE = (t, i, r, n) -> {};
}
