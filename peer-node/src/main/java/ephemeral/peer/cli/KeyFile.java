package ephemeral.peer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live page's author key pair in a file: the Ed25519 private key as PEM {@code PRIVATE KEY} (PKCS #8)
 * followed by its public key as PEM {@code PUBLIC KEY} (X.509), the formats OpenSSL reads and writes
 * ({@code openssl genpkey -algorithm ed25519 -out F && openssl pkey -in F -pubout >> F} makes one). The
 * public half is kept because Java 17 cannot derive it from the private key. Written readable by its owner only.
 */
final class KeyFile {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private KeyFile() {
    }

    /** Makes a new key pair and writes it to {@code file}, which must not exist. */
    static KeyPair create(Path file) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no Ed25519", e);
        }
        String text = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return pair;
    }

    /** Reads a key pair; a clear error for anything that is not one. */
    static KeyPair read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] priv = null;
        byte[] pub = null;
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY")) {
                priv = der;
            } else if (m.group(1).equals("PUBLIC KEY")) {
                pub = der;
            }
        }
        if (priv == null) {
            throw new IllegalArgumentException(file + " holds no PEM PRIVATE KEY");
        }
        if (pub == null) {
            throw new IllegalArgumentException(file + " holds no PEM PUBLIC KEY: add it with 'openssl pkey -in " + file
                    + " -pubout >> " + file + "'");
        }
        try {
            KeyFactory f = KeyFactory.getInstance("Ed25519");
            return new KeyPair(f.generatePublic(new X509EncodedKeySpec(pub)), f.generatePrivate(new PKCS8EncodedKeySpec(priv)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(file + " does not hold an Ed25519 key pair (" + e.getMessage() + ")");
        }
    }

    static void requireAbsent(Path file) throws FileAlreadyExistsException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file + " exists: --new never overwrites a key (leave out --new to use it)");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
