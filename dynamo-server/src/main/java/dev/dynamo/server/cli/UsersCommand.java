package dev.dynamo.server.cli;

import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsException;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.Role;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo users add|remove}: edits the HTTP credentials file a node reads through
 * {@code http.auth.file} (docs/security.md, "HTTP users and roles"). The password never appears
 * on the command line (others see command lines in {@code ps}): it is asked for without echo on
 * a terminal, read from the first line of standard input, or from {@code --password-file}. The
 * file is written owner-only; a running node picks the change up within
 * {@code http.auth.reload-interval-ms}.
 *
 * <pre>
 * bin/dynamo users add --file conf/users --name alice --roles admin,read:*
 * printf '%s\n' "$PASSWORD" | bin/dynamo users add --file conf/users --name app --roles write:orders
 * bin/dynamo users add --file conf/users --name app --roles write:orders --password-file app.pw --replace
 * bin/dynamo users remove --file conf/users --name app
 * </pre>
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Adds, changes or removes users of the HTTP credentials file (http.auth.file).",
        subcommands = {UsersCommand.Add.class, UsersCommand.Remove.class})
final class UsersCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.ERROR;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a user with its roles and a password (asked for without echo on a terminal, else the"
                           + " first line of standard input, or --password-file). Creates the file if needed,"
                           + " owner-only (0600).",
                           "Roles, comma-separated: admin (membership, repair, metrics, status), read:<table>,"
                           + " write:<table> (write implies read), read:*, write:*."})
    static final class Add implements Callable<Integer> {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The credentials file.")
        Path file;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "User name: 1 to 64 letters, digits, '-' or '_'.")
        String name;

        @Option(names = "--roles", required = true, paramLabel = "ROLE[,ROLE...]",
                description = "admin, read:<table>, write:<table>, read:*, write:*; e.g. admin,read:*")
        String roles;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from the first line of FILE instead of standard input.")
        Path passwordFile;

        @Option(names = "--replace", description = "Replace the user if it exists (a new password and roles).")
        boolean replace;

        @ParentCommand
        UsersCommand users;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Set<Role> parsed;
            try {
                parsed = roles(roles);
            } catch (IllegalArgumentException e) {
                return KeyCommand.error(err, "bad_request", "--roles " + roles + ": " + e.getMessage());
            }
            try {
                if (!replace && existing(file).contains(name)) {
                    return KeyCommand.error(err, "exists", "user '" + name + "' is already in " + file
                            + "; give --replace to change its password and roles");
                }
            } catch (CredentialsException e) {
                return KeyCommand.error(err, "bad_file", e.getMessage());
            }
            char[] password;
            try {
                password = password(err);
            } catch (IOException | IllegalArgumentException e) {
                return KeyCommand.error(err, "bad_request", e.getMessage());
            }
            try {
                CredentialsWriter.putUser(file, name, parsed, password);
            } catch (IllegalArgumentException e) {
                return KeyCommand.error(err, "bad_request", e.getMessage());
            } catch (CredentialsException e) {
                return KeyCommand.error(err, "bad_file", e.getMessage());
            } catch (IOException e) {
                return KeyCommand.error(err, "io", "cannot write " + file + ": " + e);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("user '" + name + "' with roles " + parsed.stream().map(Role::toString).sorted()
                    .collect(Collectors.joining(",")) + " written to " + file);
            out.flush();
            return ExitCodes.OK;
        }

        private char[] password(PrintWriter err) throws IOException {
            if (passwordFile != null) {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                        .orElse("");
                if (first.isEmpty()) {
                    throw new IllegalArgumentException("--password-file " + passwordFile + ": the first line (the"
                            + " password) is empty");
                }
                return first.toCharArray();
            }
            Main main = users.main;
            if (main.interactive()) {
                Console console = System.console();
                char[] first = console.readPassword("password for %s: ", name);
                char[] again = console.readPassword("the same again: ");
                boolean same = first != null && Arrays.equals(first, again);
                if (again != null) {
                    Arrays.fill(again, '\0');
                }
                if (!same) {
                    throw new IllegalArgumentException("the two passwords differ; nothing was written");
                }
                return first;
            }
            // not a terminal: the first line of standard input, e.g. from a secret store through a pipe
            BufferedReader in = new BufferedReader(new InputStreamReader(main.stdin(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("no password: give it as the first line of standard input, or"
                        + " --password-file FILE");
            }
            return line.toCharArray();
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a user; its password stops working when the nodes reload the file.")
    static final class Remove implements Callable<Integer> {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The credentials file.")
        Path file;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "User name.")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.exists(file)) {
                return KeyCommand.error(err, "bad_file", file + ": file does not exist");
            }
            try {
                if (!CredentialsWriter.removeUser(file, name)) {
                    return KeyCommand.error(err, "not_found", "no user '" + name + "' in " + file);
                }
            } catch (CredentialsException e) {
                return KeyCommand.error(err, "bad_file", e.getMessage());
            } catch (IOException e) {
                return KeyCommand.error(err, "io", "cannot write " + file + ": " + e);
            }
            out.println("user '" + name + "' removed from " + file);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code admin,read:*} as roles. */
    static Set<Role> roles(String text) {
        Set<Role> out = new LinkedHashSet<>();
        for (String r : text.split(",")) {
            if (!r.isBlank()) {
                out.add(Role.parse(r.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("name at least one role");
        }
        return out;
    }

    /** The users a file holds now; none for a file that does not exist or holds only comments. */
    private static Set<String> existing(Path file) throws CredentialsException {
        if (!Files.exists(file)) {
            return Set.of();
        }
        try {
            return Credentials.load(file, 0).users();
        } catch (CredentialsException e) {
            if (e.line() == 0 && Files.isReadable(file)) {
                return Set.of(); // readable but no user yet: adding the first one is fine
            }
            throw e;
        }
    }
}
