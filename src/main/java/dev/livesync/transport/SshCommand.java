package dev.livesync.transport;

import dev.livesync.settings.SshFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The ssh command line for a target: no prompts (BatchMode), new host keys accepted once and changed
 * ones refused (StrictHostKeyChecking=accept-new; =yes with a known_hosts file it cannot write),
 * bounded connect time, dead peers detected. The connection master ({@link SshMaster}), rsync's {@code -e} and the rename
 * shell ({@link RemoteShell}) all start from these words, so all three authenticate and verify the host the same way.
 */
final class SshCommand {
  private SshCommand() {}

  static List<String> argv(TargetOptions o) {
    return argv(o, java.nio.file.Path.of(System.getProperty("user.home")));
  }

  /** {@link #argv(TargetOptions)} for a user whose home (passwd entry) is {@code home}. */
  static List<String> argv(TargetOptions o, java.nio.file.Path home) {
    // a known_hosts ssh cannot write would make accept-new accept any key a new host shows, at every login: strict then
    // (the one named, or ~/.ssh/known_hosts: a service user without a home has none)
    boolean pinOnly = o.knownHostsFile() != null ? !SshFiles.knownHostsWritable(o.knownHostsFile()) : !SshFiles.defaultKnownHostsWritable(home);
    var a = new ArrayList<String>(List.of("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=" + (pinOnly ? "yes" : "accept-new"),
        "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"));
    if (o.timeoutSeconds() > 0) a.addAll(List.of("-o", "ConnectTimeout=" + Math.min(o.timeoutSeconds(), 60)));
    if (o.sshPort() > 0) a.addAll(List.of("-p", Integer.toString(o.sshPort())));
    if (o.sshKey() != null) a.addAll(List.of("-i", o.sshKey().toString(), "-o", "IdentitiesOnly=yes"));
    if (o.knownHostsFile() != null) a.addAll(List.of("-o", "UserKnownHostsFile=" + o.knownHostsFile()));
    return a;
  }

  /**
   * The same command as one string for rsync's {@code -e}, followed by {@code more} (the connection
   * master's client options, see {@link SshMaster#clientOptions}), each word single-quoted where needed.
   */
  static String forRsync(TargetOptions o, List<String> more) {
    var words = new ArrayList<>(argv(o));
    words.addAll(more);
    var sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(w.matches("[A-Za-z0-9_./=:@,+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  /** {@code 'bytes'} for a POSIX shell: every byte but NUL is literal inside single quotes. */
  static byte[] shellQuote(byte[] raw) {
    var out = new java.io.ByteArrayOutputStream(raw.length + 8);
    out.write('\'');
    for (byte b : raw) {
      if (b == '\'') out.writeBytes(new byte[] {'\'', '\\', '\'', '\''});
      else out.write(b);
    }
    out.write('\'');
    return out.toByteArray();
  }
}
