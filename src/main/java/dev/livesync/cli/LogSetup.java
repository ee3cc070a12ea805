package dev.livesync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.livesync.ops.service.BackgroundLauncher;

/**
 * Logging as livesync starts it, set up in code (logback finds it through its service file): one line
 * per record on stderr, journald-friendly (the time of day only: the date is journald's). Parsing a
 * logback.xml instead loaded an XML parser into every command that logs, `run`'s start included.
 * The root level: the system property {@code livesync.log.level}, else INFO ({@code --log-level} and
 * {@code --log-file} adjust it later, see {@link RunCommand}).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    // under 'start' stderr is a log file of its own, read days later: its lines carry the date
    boolean ownFile = System.getenv(BackgroundLauncher.OUTPUT_LOG_ENV) != null;
    var enc = encoder(ctx, (ownFile ? "%d{yyyy-MM-dd HH:mm:ss.SSS}" : "%d{HH:mm:ss.SSS}") + " %-5level %logger{0}: %msg%n");
    var stderr = new ConsoleAppender<ILoggingEvent>();
    stderr.setContext(ctx);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(enc);
    stderr.start();
    var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty("livesync.log.level"), Level.INFO));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * SIGHUP, as logrotate's postrotate sends it: the log files are opened again by their names — the
   * {@code log_file} appender's, and under {@code start} the file standard output and error were
   * appended to. Returns the files reopened; throws {@link dev.livesync.fs.NativeException} or
   * {@link java.io.IOException} when one cannot be opened (the old one is kept).
   */
  static java.util.List<String> reopen() throws java.io.IOException {
    var out = new java.util.ArrayList<String>();
    String output = System.getenv(BackgroundLauncher.OUTPUT_LOG_ENV);
    if (output != null) {
      dev.livesync.fs.StandardOutput.reopen(java.nio.file.Path.of(output));
      out.add(output);
    }
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
        && ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("FILE") instanceof FileAppender<ILoggingEvent> file) {
      file.openFile(file.getFile()); // under the appender's lock: no line is lost or written to the old file after
      out.add(file.getFile());
    }
    return out;
  }

  /** A started encoder of {@code pattern} (logback's pattern layout). */
  static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
    var enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern(pattern);
    enc.start();
    return enc;
  }
}
