package dev.livesync.cli;

import dev.livesync.settings.Key;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of the flags that name a setting, from the setting's {@link Key}: one table of
 * defaults for the engine, the config file and {@code --help} ({@code ${DEFAULT-VALUE}}).
 */
final class KeyDefaults implements IDefaultValueProvider {
  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o)) return null;
    Key k = Key.byCliName(o.longestName());
    return k == null || k == Key.RETRY_MAX ? null : k.defaultText(); // --retry-max: unset means "60s, or --retry-initial if longer"
  }
}
