package dev.livesync.events;

/** Placeholder until the drop-in is written. */
public final class InotifyWait {
  private InotifyWait() {}

  public static int main(String[] args) {
    System.err.println("not implemented yet");
    return 1;
  }
}
