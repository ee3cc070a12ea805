package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Sshd;
import dev.livesync.testing.Trees;

/** A real target of each kind around a temp directory: local dir, rsync daemon with auth, sshd. */
final class TargetFixture implements AutoCloseable {
  enum Kind { LOCAL, DAEMON, SSH }

  final Kind kind;
  final byte[] dir;
  final RsyncDaemon daemon;
  final Sshd sshd;
  private final java.util.List<RsyncTransport> transports = new java.util.ArrayList<>();

  private TargetFixture(Kind kind, byte[] dir, RsyncDaemon daemon, Sshd sshd) {
    this.kind = kind;
    this.dir = dir;
    this.daemon = daemon;
    this.sshd = sshd;
  }

  /** For SSH, {@code sshd} is shared by the test class. */
  static TargetFixture start(Kind kind, Sshd sshd) throws InterruptedException {
    return start(kind, sshd, true);
  }

  /** {@code auth}: whether the daemon requires a user and password. */
  static TargetFixture start(Kind kind, Sshd sshd, boolean auth) throws InterruptedException {
    byte[] dir = Trees.tempDir("ls-target");
    Trees.chmod(dir, 0755);
    var builder = RsyncDaemon.builder(Trees.path(dir));
    if (auth) builder.auth("backup", "pw with spaces");
    RsyncDaemon daemon = kind == Kind.DAEMON ? builder.start() : null;
    return new TargetFixture(kind, dir, daemon, kind == Kind.SSH ? sshd : null);
  }

  String url() {
    return switch (kind) {
      case LOCAL -> Bytes.latin1(dir);
      case DAEMON -> daemon.url();
      case SSH -> "root@127.0.0.1:" + Bytes.latin1(dir);
    };
  }

  TargetOptions options() {
    return switch (kind) {
      case LOCAL -> TargetOptions.defaults();
      case DAEMON -> daemon.passwordFile() == null ? TargetOptions.defaults() : TargetOptions.builder().passwordFile(daemon.passwordFile()).build();
      case SSH -> TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), sshd.knownHostsFile()).build();
    };
  }

  /** A transport to this target; closed (its ssh helpers stopped) with the fixture. */
  RsyncTransport transport(byte[] source) {
    return transport(source, url(), options());
  }

  /** A transport to {@code url} (this target or a directory in it) with {@code options}; closed with the fixture. */
  RsyncTransport transport(byte[] source, String url, TargetOptions options) {
    RsyncTransport t = RsyncTransport.open(source, url, options);
    transports.add(t);
    return t;
  }

  @Override
  public void close() {
    for (RsyncTransport t : transports) t.close();
    if (daemon != null) daemon.close();
    Trees.delete(dir);
  }
}
