package dev.livesync.sync;

/**
 * Time for the engine. Every stage takes its time from a Clock so that tests drive it with a fake
 * one; {@link #nanos()} is monotonic (for deadlines and lag), {@link #epochMillis()} is wall time
 * (for status and logs only).
 */
public interface Clock {
  long nanos();

  long epochMillis();

  Clock SYSTEM =
      new Clock() {
        @Override
        public long nanos() {
          return System.nanoTime();
        }

        @Override
        public long epochMillis() {
          return System.currentTimeMillis();
        }
      };
}
