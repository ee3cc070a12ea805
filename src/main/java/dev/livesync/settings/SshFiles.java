package dev.livesync.settings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an ssh target's files must be for ssh, run in batch mode, to use them safely — checked before
 * anything runs: a known_hosts file ssh cannot write makes {@code StrictHostKeyChecking=accept-new}
 * accept whatever key a new host shows, at every login, with no more than a warning nobody reads.
 */
public final class SshFiles {
  private SshFiles() {}

  /**
   * What is wrong with a known_hosts file ssh would have to make, or null: one that does not exist
   * must be makeable, else ssh cannot record a new host's key and accepts any key that host shows,
   * at every login. (One that exists but cannot be written is used strictly: {@link #knownHostsWritable}.)
   */
  public static String knownHostsProblem(Path file) {
    if (Files.exists(file)) return Files.isRegularFile(file) ? null : "is not a regular file";
    Path dir = file.toAbsolutePath().getParent();
    String why = dir == null || !Files.isDirectory(dir) ? "its directory " + dir + " does not exist"
        : !Files.isWritable(dir) ? "its directory " + dir + " cannot be written" : null;
    if (why == null) return null;
    return "does not exist, and " + why + ": ssh could not record a host's key there, and would accept whatever key the host shows at"
        + " every login (a changed key, another machine's, would go unnoticed); make the directory, or name a known_hosts file that exists";
  }

  /** Whether ssh can add a new host's key to this known_hosts file (it exists and is writable, or can be made). */
  public static boolean knownHostsWritable(Path file) {
    return Files.exists(file) ? Files.isWritable(file) : knownHostsProblem(file) == null;
  }
}
