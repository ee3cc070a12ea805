package dev.livesync.fs;

/**
 * One event as inotifywait would print it: {@code watchPath} is %w (the watched path as given, with a
 * trailing '/' for directories; the file's own path for a watched file), {@code name} is %f (empty for
 * the watched object itself). An overflow is wd -1 with {@link InotifyMask#IN_Q_OVERFLOW}.
 * {@code synthetic} events were made up by listing a new directory, not read from the kernel.
 */
// Never compared or hashed (events pass through consumers and lists), so byte[] components need no value equality; toString shows the path.
public record WatchEvent(int wd, int mask, int cookie, byte[] watchPath, byte[] name, boolean synthetic) {
  public boolean isDir() {
    return (mask & InotifyMask.IN_ISDIR) != 0;
  }

  public boolean has(int bits) {
    return (mask & bits) != 0;
  }

  public boolean isOverflow() {
    return (mask & InotifyMask.IN_Q_OVERFLOW) != 0;
  }

  /** watchPath + name, with no slash added: the path the event is about. */
  public byte[] fullPath() {
    return name.length == 0 ? watchPath : Bytes.concat(watchPath, name);
  }

  @Override
  public String toString() {
    return "WatchEvent[wd=" + wd + ", mask=0x" + Integer.toHexString(mask) + ", cookie=" + cookie
        + ", path=" + Bytes.display(fullPath()) + (synthetic ? ", synthetic" : "") + "]";
  }
}
