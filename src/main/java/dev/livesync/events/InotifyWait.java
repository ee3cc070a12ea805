package dev.livesync.events;

import static dev.livesync.fs.InotifyMask.IN_ALL_EVENTS;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DONT_FOLLOW;
import static dev.livesync.fs.InotifyMask.IN_IGNORED;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;
import static dev.livesync.fs.InotifyMask.IN_UNMOUNT;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import dev.livesync.fs.Signals;
import dev.livesync.fs.Syslog;
import dev.livesync.fs.WatchEvent;
import dev.livesync.fs.Watcher;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code livesync events}: a drop-in for inotifywait (inotify-tools 4.25.9): same options, output
 * bytes, stderr messages and exit codes (0 an event, 1 error or unwanted event, 2 timeout). See
 * docs/events.md for the few differences.
 */
public final class InotifyWait {
  static final int EXIT_TIMEOUT = 2;
  /** Set in the environment of the background copy that -d/--daemon starts. */
  static final String DAEMON_ENV = "LIVESYNC_EVENTS_DAEMON_CHILD";

  private final WaitOptions o;
  private final PrintStream err;
  private OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private EventFormat format;
  private RegexOption filter;
  private int events;
  private int origEvents;
  private boolean movedFrom;

  private InotifyWait(WaitOptions o, ToolStreams streams) {
    this.o = o;
    this.out = streams.out();
    this.err = streams.err();
  }

  /** Runs with {@code args} (bytes as latin1 chars) and the given streams; returns the exit code. */
  static int run(String[] args, InputStream stdin, OutputStream stdout, OutputStream stderr) {
    return ToolStreams.run(stdout, stderr, s -> run(args, stdin, s));
  }

  static int run(String[] args, InputStream stdin, ToolStreams s) {
    WaitOptions o = WaitOptions.parse(args, s.outText(), s.err());
    return o == null ? 1 : new InotifyWait(o, s).run(stdin);
  }

  private int run(InputStream stdin) {
    Watcher watcher;
    try {
      watcher = Backend.open(o.fanotify, o.filesystem, kernelMask(), o.recursive > 0, this::excluded, this::onWatchError);
    } catch (NativeException e) {
      Backend.initError(err, o.fanotify, e);
      return 1;
    }
    try (watcher) {
      return runWith(watcher, stdin);
    }
  }

  /** The kernel mask inotifywait asks for; TreeWatcher adds its tracking bits on top. */
  private int kernelMask() {
    events = o.events == 0 ? IN_ALL_EVENTS : o.events;
    origEvents = events;
    if (o.monitor && o.recursive > 0) events |= IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM;
    if (o.noDereference > 0) events |= IN_DONT_FOLLOW;
    return events;
  }

  private PathList list = PathList.NONE;

  /** The @excludes count only below the given paths, and only while setting up. */
  private boolean excluded(byte[] path) {
    return settingUp && list.excludes(path);
  }

  private boolean settingUp = true;

  private void onWatchError(byte[] dir, NativeException e) {
    // A new directory's watches are set up while its event is the last one read: inotifywait says
    // the error after "Watching new directory", once, naming that directory (see trackNewDirs).
    WatchEvent last = batch.isEmpty() ? null : batch.getLast();
    if (!settingUp && last != null && last.isDir() && last.has(IN_CREATE | IN_MOVED_TO)) {
      Backend.watchError(dir, e, false, s -> newDirErrors.putIfAbsent(batch.size() - 1, e.errno()));
    } else {
      Backend.watchError(dir, e, settingUp, this::message);
    }
  }

  /** The events of one read, and the first error watching the new directory at each index. */
  private final List<WatchEvent> batch = new ArrayList<>();
  private final Map<Integer, Integer> newDirErrors = new HashMap<>();

  private void message(String s) {
    if (o.syslog) Syslog.info(s);
    else err.print(s);
  }

  private int runWith(Watcher watcher, InputStream stdin) {
    if (!compileRegex()) return 1;
    if (o.format != null && !EventFormat.valid(Messages.bytes(o.format))) {
      err.print("Something is wrong with your format string.\n");
      return 1;
    }
    format = o.csv ? null : o.format == null ? EventFormat.defaultLine()
        : new EventFormat(Messages.bytes(o.format), o.timefmt);
    PathList given = PathList.buildOrSay(o.operands, o.fromfile, stdin, err);
    if (given == null) return 1;
    list = given;
    if (o.daemon && System.getenv(DAEMON_ENV) == null) return Daemon.start(o.outfile, err);
    if (o.outfile != null && !o.daemon) {
      try {
        out = new BufferedOutputStream(OutFile.openAppend(o.outfile), 1 << 16);
      } catch (IOException e) {
        err.print("Failed to open output file " + o.outfile + "\n");
        return 1;
      }
    }
    if (o.syslog) Syslog.open("inotifywait");
    boolean filesystem = o.fanotify && o.filesystem;
    if (o.quiet == 0) {
      message(filesystem ? "Setting up filesystem watches.\n"
          : o.recursive > 0 ? "Setting up watches.  Beware: since -r was given, this may take a while!\n"
          : "Setting up watches.\n");
    }
    // -mr watches new directories: that path warmed up first (see NewDirWarmup), before any watch of the user's
    if (!o.fanotify && o.monitor && o.recursive > 0) NewDirWarmup.run(events, this::excluded);
    for (String file : list.watch()) {
      try {
        watcher.watch(Messages.bytes(file));
      } catch (NativeException e) {
        Backend.watchFailed(e, file, list, o.fanotify, filesystem, "Couldn't watch ", this::message);
        return 1;
      }
    }
    settingUp = false;
    if (o.quiet == 0) message("Watches established.\n");
    if (o.timeout < 0) {
      err.print("Negative timeout specified - abort!\n");
      return 1;
    }
    try {
      return loop(watcher);
    } catch (UncheckedIOException e) {
      // `inotifywait -m | head -1`: the next event's write kills inotifywait with SIGPIPE
      if (Signals.brokenPipe(e.getCause())) Signals.dieOfBrokenPipe();
      return 1;
    }
  }

  private boolean compileRegex() {
    filter = o.compileRegex(err);
    return filter != null;
  }

  /** Events the kernel would have delivered to inotifywait (the watcher asks for more when recursive). */
  private boolean delivered(WatchEvent e) {
    return (e.mask() & ((events & IN_ALL_EVENTS) | IN_IGNORED | IN_Q_OVERFLOW | IN_UNMOUNT)) != 0;
  }

  private int loop(Watcher watcher) {
    long timeoutMs = o.timeout * 1000L;
    long deadline = o.timeout > 0 ? System.nanoTime() / 1_000_000 + timeoutMs : -1;
    while (true) {
      long wait = -1;
      if (deadline >= 0) {
        wait = deadline - System.nanoTime() / 1_000_000;
        if (wait <= 0) return flushAnd(EXIT_TIMEOUT);
      }
      batch.clear();
      newDirErrors.clear();
      watcher.poll(wait, batch::add);
      for (int i = 0; i < batch.size(); i++) {
        WatchEvent e = batch.get(i);
        if (!delivered(e)) continue;
        if (deadline >= 0) deadline = System.nanoTime() / 1_000_000 + timeoutMs;
        if (filter.filteredOut(e, o.recursive > 0)) continue;
        handle(e, newDirErrors.get(i));
        if (!o.monitor) return flushAnd((events & e.mask()) == 0 ? 1 : 0);
      }
      flush();
    }
  }

  /** {@code watchErrno}: the first error watching the directory {@code e} brought, or null. */
  private void handle(WatchEvent e, Integer watchErrno) {
    if (o.quiet < 2 && (e.mask() & origEvents) != 0 && !(filter.invert() && e.isDir())) print(e);
    trackNewDirs(e, watchErrno);
  }

  private void print(WatchEvent e) {
    line.reset();
    if (format == null) EventFormat.renderCsv(e.watchPath(), e.name(), e.mask(), line);
    else format.render(e.watchPath(), e.name(), e.mask(), e.cookie(), line);
    try {
      line.writeTo(out);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /**
   * inotifywait 4.25.9 says on stderr which new directories it starts watching (-m -r, not -q), and
   * then, if that failed, {@code Couldn't watch new directory DIR/: ERROR} (also with -q).
   */
  private void trackNewDirs(WatchEvent e, Integer watchErrno) {
    if (o.fanotify && o.filesystem) return; // fsnotifywait -S tracks nothing
    if (movedFrom && !e.has(IN_MOVED_TO)) movedFrom = false;
    if (!o.monitor || o.recursive == 0) return;
    if (e.has(IN_CREATE) || (!movedFrom && e.has(IN_MOVED_TO))) {
      if ((o.quiet == 0 || watchErrno != null) && e.isDir() && e.watchPath().length > 0) {
        byte[] dir = Bytes.concat(e.watchPath(), e.name(), new byte[] {'/'});
        Libc.Stat st = Libc.lstatLook(dir);
        if (st != null && st.isDir()) {
          if (o.quiet == 0) message("Watching new directory " + RawArgs.latin1(dir) + "\n");
          if (watchErrno != null) message("Couldn't watch new directory " + RawArgs.latin1(dir) + ": " + Libc.strerror(watchErrno) + "\n");
        }
      }
    } else if (e.has(IN_MOVED_FROM)) {
      movedFrom = e.isDir() && e.watchPath().length > 0;
    } else if (e.has(IN_MOVED_TO)) {
      movedFrom = false;
    }
  }

  private void flush() {
    try {
      out.flush();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  private int flushAnd(int code) {
    flush();
    return code;
  }
}
