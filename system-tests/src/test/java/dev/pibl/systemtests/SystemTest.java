package dev.pibl.systemtests;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a scenario that needs a Docker engine: without one it is reported as skipped, with the
 * reason, unless {@code PIBL_SYSTEM_TESTS=required} (CI sets it) makes that a failure.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("system")
@ExtendWith(DockerAvailable.class)
@interface SystemTest {
}
