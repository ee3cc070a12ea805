package dev.livesync.settings;

import dev.livesync.LivesyncException;
import java.util.List;
import java.util.function.Function;

/**
 * A setting's value refused by its rule: which {@link Key}, the value as given, and the words that
 * say why ("expected a whole number from 1 to 64"). The front-ends put where the value came from in
 * front of the words: the command line {@code --workers 1000: }, the config file
 * {@code FILE:LINE:COL: sync[0].workers: }. {@link #sync()} and {@link #target()} say which sync and
 * target of a config it concerns when a check spans several (-1: not known). Exit code 2, a usage
 * error; the config loader turns it into its own (78).
 */
public final class SettingException extends LivesyncException {
  /** In a refused value, what stands for a part not shown (a password): the value is then shown as given here, never as typed. */
  public static final String HIDDEN = "***";

  private final Key key;
  private final String value;
  private final Words words;
  private final int sync;
  private final int target;

  /** The words that say why, and the other keys they name (one {@code %s} each), as each front-end names keys. */
  private record Words(String template, List<Key> refs) {
    String with(Function<Key, String> name) {
      return refs.isEmpty() ? template : String.format(template, refs.stream().map(name).toArray());
    }
  }

  SettingException(Key key, String value, String words, Key... refs) {
    this(key, value, new Words(words, List.of(refs)), -1, -1);
  }

  private SettingException(Key key, String value, Words words, int sync, int target) {
    super(render(key, words), 2);
    this.key = key;
    this.value = value;
    this.words = words;
    this.sync = sync;
    this.target = target;
  }

  private static String render(Key key, Words words) {
    return (key.configName() != null ? key.configName() : key.cliName()) + ": " + words.with(k -> k.configName() != null ? k.configName() : k.cliName());
  }

  public Key key() {
    return key;
  }

  /** The refused value as the user gave it (or as the engine shows it); may be null. */
  public String value() {
    return value;
  }

  /** The words after the prefix, other keys named by {@code name} (their flag, or their config key). */
  public String words(Function<Key, String> name) {
    return words.with(name);
  }

  /** Index of the [[sync]] this concerns, or -1. */
  public int sync() {
    return sync;
  }

  /** Index of the target within its sync, or -1. */
  public int target() {
    return target;
  }

  /** This refusal, said of the {@code sync}th sync's {@code target}th target (-1: the sync itself). */
  public SettingException at(int sync, int target) {
    return new SettingException(key, value, words, sync, target);
  }
}
