package dev.livesync.sync;

/**
 * Where a target's runner records the items it accepted until they arrived: the target's
 * {@link Journal}, or {@link #NONE} where nothing is kept across a restart.
 */
interface ItemLog {
  /** The number of an item that has no record (a journal numbers its records from 1). */
  long UNRECORDED = 0;

  /** Records {@code item} and returns its number ({@link #UNRECORDED} if it is not recorded). */
  long append(WorkItem item);

  /** The item numbered {@code seq} has arrived (nothing for {@link #UNRECORDED} or an unknown number). */
  void done(long seq);

  /** Forces what was recorded to disk. */
  void sync();

  /** Records not yet done. */
  int liveCount();

  /** Records nothing. */
  ItemLog NONE = new ItemLog() {
    @Override
    public long append(WorkItem item) {
      return UNRECORDED;
    }

    @Override
    public void done(long seq) {}

    @Override
    public void sync() {}

    @Override
    public int liveCount() {
      return 0;
    }
  };
}
