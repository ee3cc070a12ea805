package dev.livesync.sync;

/** A clock that moves only when told to. */
public final class FakeClock implements Clock {
  private long nanos = 1_000_000_000L;

  @Override
  public synchronized long nanos() {
    return nanos;
  }

  @Override
  public synchronized long epochMillis() {
    return 1_700_000_000_000L + nanos / 1_000_000;
  }

  public synchronized void advanceMillis(long ms) {
    nanos += ms * 1_000_000;
  }
}
