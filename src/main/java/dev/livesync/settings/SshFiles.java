package dev.livesync.settings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * What an ssh target's files must be for ssh, run in batch mode, to use them — checked before
 * anything runs, since ssh itself says none of it in words that fit: a key it ignores (readable by
 * others, a public key, one that needs a passphrase it cannot ask for) ends in "Permission denied
 * (publickey)", which reads as a key missing from authorized_keys; and a known_hosts file it cannot
 * write makes {@code StrictHostKeyChecking=accept-new} accept whatever key a new host shows, at every
 * login, with no more than a warning nobody reads.
 */
public final class SshFiles {
  private SshFiles() {}

  /**
   * What is wrong with a private key file, as words after its name, or null when ssh can use it.
   * {@code agentSocket} is {@code SSH_AUTH_SOCK}: with an agent, a key that needs a passphrase may
   * be one the agent holds.
   */
  public static String keyProblem(Path key, String agentSocket) {
    try {
      if (!Files.isRegularFile(key)) return Files.exists(key) ? "is not a regular file" : "does not exist";
      if (!Files.isReadable(key)) return "cannot be read by the user running livesync";
      int mode = (Integer) Files.getAttribute(key, "unix:mode");
      int owner = (Integer) Files.getAttribute(key, "unix:uid");
      if (owner == Dirs.uid() && (mode & 0077) != 0) {
        return String.format("is accessible by its group or others (mode %04o), and ssh ignores such a private key: run 'chmod 600 %s'",
            mode & 07777, key);
      }
      byte[] head;
      try (var in = Files.newInputStream(key)) {
        head = in.readNBytes(64 * 1024); // a key is a few KiB; a log file given by mistake is not read whole
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      if (!text.contains("PRIVATE KEY-----")) {
        return text.startsWith("ssh-") || text.startsWith("ecdsa-") || text.startsWith("sk-")
            ? "is a public key: give the private key (the file without .pub)"
            : "is not an OpenSSH or PEM private key";
      }
      if (agentSocket == null || agentSocket.isEmpty()) {
        if (encrypted(text)) {
          return "needs a passphrase, which ssh cannot ask for here (livesync runs it in batch mode, and no ssh-agent is named by"
              + " SSH_AUTH_SOCK): use a key without a passphrase (ssh-keygen -p -N '' -f " + key + ")";
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot be read: " + e.getMessage();
    }
  }

  /** Whether a private key's text says it is encrypted (an OpenSSH key's cipher, a PEM header). */
  static boolean encrypted(String text) {
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) return true;
    String begin = "-----BEGIN OPENSSH PRIVATE KEY-----", end = "-----END OPENSSH PRIVATE KEY-----";
    int b = text.indexOf(begin), e = text.indexOf(end);
    if (b < 0 || e < b) return false;
    byte[] raw = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    if (raw.length < magic.length + 4) return false;
    ByteBuffer buf = ByteBuffer.wrap(raw, magic.length, raw.length - magic.length);
    int len = buf.getInt();
    if (len < 0 || len > buf.remaining()) return false;
    return !new String(raw, buf.position(), len, StandardCharsets.US_ASCII).equals("none");
  }

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

  /**
   * Whether ssh can add a new host's key to the known_hosts file it uses when none is named:
   * {@code ~/.ssh/known_hosts} of {@code home}, the home of the user's passwd entry (ssh reads that,
   * not $HOME; Java's user.home is the same). ssh makes a missing ~/.ssh itself. A service user whose
   * home does not exist (nobody's /nonexistent) cannot have one: ssh would then accept any key.
   */
  public static boolean defaultKnownHostsWritable(Path home) {
    Path dotSsh = home.resolve(".ssh"), file = dotSsh.resolve("known_hosts");
    if (Files.exists(file)) return Files.isWritable(file);
    if (Files.isDirectory(dotSsh)) return Files.isWritable(dotSsh);
    return !Files.exists(dotSsh) && Files.isDirectory(home) && Files.isWritable(home);
  }

  /** Whether ssh can add a new host's key to this known_hosts file (it exists and is writable, or can be made). */
  public static boolean knownHostsWritable(Path file) {
    return Files.exists(file) ? Files.isWritable(file) : knownHostsProblem(file) == null;
  }
}
