package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real {@code rsync --daemon --no-detach} on 127.0.0.1 at a free port, configured by a temp
 * rsyncd.conf: one writable module, optionally with {@code auth users} and a secrets file. Tests may
 * {@link #stop()} and {@link #start()} it again on the same port (target down / up). {@link #close()}
 * kills it by its process handle and removes the temp config (not the module's data directory).
 *
 * <pre>{@code
 * try (var d = RsyncDaemon.builder(targetDir).auth("backup", "s3cret").start()) {
 *   // rsync -a --password-file=d.passwordFile() src/ d.url()
 * }
 * }</pre>
 */
public final class RsyncDaemon implements AutoCloseable {
  private final Path dataDir;
  private final String module;
  private final String user;
  private final String password;
  private final int port;
  private final Path home;
  private final Path config;
  private final Path log;
  private final Path output;
  private final Path passwordFile;
  private Process process;

  private RsyncDaemon(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath();
    this.module = b.module;
    this.user = b.user;
    this.password = b.password;
    this.port = b.port > 0 ? b.port : FreePort.find();
    this.home = TempFiles.dir("livesync-rsyncd");
    this.config = home.resolve("rsyncd.conf");
    this.log = home.resolve("rsyncd.log");
    this.output = home.resolve("rsyncd.out");
    this.passwordFile = password == null ? null : TempFiles.privateFile(home.resolve("client.password"), password + "\n");
    StringBuilder conf = new StringBuilder();
    conf.append("use chroot = no\nuid = root\ngid = root\n");
    conf.append("log file = ").append(log).append('\n');
    conf.append("lock file = ").append(home.resolve("rsyncd.lock")).append('\n');
    conf.append('[').append(module).append("]\n");
    conf.append("  path = ").append(dataDir).append('\n');
    conf.append("  read only = false\n");
    // Not chrooted, rsyncd defaults to munging symlinks ("/rsyncd-munged/" prefix): a backup must keep them as they are.
    conf.append("  munge symlinks = no\n");
    if (user != null) {
      Path secrets = TempFiles.privateFile(home.resolve("rsyncd.secrets"), user + ":" + password + "\n");
      conf.append("  auth users = ").append(user).append('\n');
      conf.append("  secrets file = ").append(secrets).append('\n');
    }
    b.moduleOptions.forEach((k, v) -> conf.append("  ").append(k).append(" = ").append(v).append('\n'));
    TempFiles.write(config, conf.toString());
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** An unauthenticated daemon serving {@code dataDir} as module "backup". */
  public static RsyncDaemon start(Path dataDir) throws InterruptedException {
    return builder(dataDir).start();
  }

  public static final class Builder {
    private final Path dataDir;
    private String module = "backup";
    private String user;
    private String password;
    private int port;
    private final Map<String, String> moduleOptions = new LinkedHashMap<>();

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder module(String name) {
      this.module = name;
      return this;
    }

    /** Requires {@code user}/{@code password} ({@code auth users} + secrets file, mode 0600). */
    public Builder auth(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Any extra rsyncd.conf module parameter, e.g. {@code ("max connections", "1")}. */
    public Builder moduleOption(String key, String value) {
      moduleOptions.put(key, value);
      return this;
    }

    public RsyncDaemon start() throws InterruptedException {
      var d = new RsyncDaemon(this);
      try {
        d.start();
      } catch (RuntimeException | InterruptedException e) {
        d.close();
        throw e;
      }
      return d;
    }
  }

  /** Starts the daemon (again) on the same port and waits until it accepts connections. */
  public synchronized void start() throws InterruptedException {
    if (running()) return;
    List<String> cmd = new ArrayList<>(List.of(
        "rsync", "--daemon", "--no-detach", "--config=" + config, "--port=" + port, "--address=127.0.0.1"));
    try {
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start rsync daemon", e);
    }
    FreePort.awaitAccepting(port, process, Duration.ofSeconds(30), this::diagnostics);
  }

  /** Kills the daemon and the children serving connections; the port then refuses connections. */
  public synchronized void stop() {
    Processes.killTree(process);
    process = null;
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void close() {
    stop();
    TempFiles.deleteTree(home);
  }

  public int port() {
    return port;
  }

  public String module() {
    return module;
  }

  /** The auth user, or null when the module needs none. */
  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Client side password file (mode 0600), or null when the module needs no auth. */
  public Path passwordFile() {
    return passwordFile;
  }

  /** The module's directory on disk. */
  public Path dataDir() {
    return dataDir;
  }

  /** {@code rsync://[user@]127.0.0.1:port/module}. */
  public String url() {
    return "rsync://" + (user == null ? "" : user + "@") + "127.0.0.1:" + port + "/" + module;
  }

  /** {@code [user@]127.0.0.1::module} (the double-colon form; port must then be passed as --port). */
  public String doubleColonUrl() {
    return (user == null ? "" : user + "@") + "127.0.0.1::" + module;
  }

  public Path configFile() {
    return config;
  }

  /** The daemon's log file (transfers, auth failures). */
  public String log() {
    return TempFiles.readOrEmpty(log);
  }

  private String diagnostics() {
    return "--- rsyncd.conf\n" + TempFiles.readOrEmpty(config) + "--- output\n" + TempFiles.readOrEmpty(output)
        + "--- log\n" + TempFiles.readOrEmpty(log);
  }

  @Override
  public String toString() {
    return "RsyncDaemon[" + url() + " -> " + dataDir + "]";
  }
}
