package dev.pibl.server;

import dev.pibl.config.ConfigException;
import dev.pibl.config.PiblConfig;

/**
 * Where a reload reads the configuration again: the application's YAML file with its command-line
 * overrides applied. Called from the thread that asked for the reload, never an event loop.
 */
@FunctionalInterface
public interface ConfigSource {

    /**
     * The configuration as it is now.
     *
     * @throws ConfigException listing every problem when it is invalid
     */
    PiblConfig load() throws ConfigException;
}
