package dev.dynamo.security.tls;

import dev.dynamo.security.io.SecureFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the PEM files the cluster uses: certificates as {@code CERTIFICATE} blocks
 * (a chain leaf first), private keys as unencrypted PKCS#8 {@code PRIVATE KEY} blocks, the
 * form Netty's {@code SslContextBuilder}, the JDK and {@code openssl} all read. Reading also
 * accepts the older {@code EC PRIVATE KEY} and {@code RSA PRIVATE KEY} blocks; encrypted keys
 * are refused (a node restarts unattended, so there would be nobody to type the passphrase).
 * Keys are written owner-only (see {@link SecureFiles}).
 *
 * <pre>{@code
 * Pem.writeCertificates(dir.resolve("n1.pem"), List.of(issued.certificate()));
 * Pem.writePrivateKey(dir.resolve("n1-key.pem"), issued.privateKey());
 * PrivateKey key = Pem.readPrivateKey(dir.resolve("n1-key.pem"));
 * }</pre>
 */
public final class Pem {
    private Pem() {
    }

    /** Writes {@code certificates} as consecutive {@code CERTIFICATE} blocks, readable by everyone. */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate to write to " + file);
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                pem.writeObject(certificate);
            }
        }
        SecureFiles.write(file, text.toString().getBytes(StandardCharsets.US_ASCII), SecureFiles.Visibility.WORLD_READABLE);
    }

    /** Writes {@code key} as an unencrypted PKCS#8 {@code PRIVATE KEY} block, readable by the owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        SecureFiles.write(file, text.toString().getBytes(StandardCharsets.US_ASCII), SecureFiles.Visibility.OWNER_ONLY);
    }

    /**
     * Reads every {@code CERTIFICATE} block of {@code file}, in file order.
     *
     * @throws TlsMaterialException if the file is missing or unreadable, holds no certificate, or
     *                              holds something other than certificates
     */
    public static List<X509Certificate> readCertificates(Path file) throws TlsMaterialException {
        List<Object> objects = readObjects(file);
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : objects) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new TlsMaterialException(file, "expected only CERTIFICATE blocks, found " + describe(object));
            }
            try {
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            } catch (CertificateException e) {
                throw new TlsMaterialException(file, "certificate " + (certificates.size() + 1) + " cannot be decoded", e);
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(file, "not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)");
        }
        return List.copyOf(certificates);
    }

    /**
     * Reads the one private key of {@code file}.
     *
     * @throws TlsMaterialException if the file is missing or unreadable, is not PEM, holds no key,
     *                              several, or an encrypted one
     */
    public static PrivateKey readPrivateKey(Path file) throws TlsMaterialException {
        List<Object> objects = readObjects(file);
        if (objects.isEmpty()) {
            throw new TlsMaterialException(file, "not a PEM key file (no -----BEGIN PRIVATE KEY----- block)");
        }
        if (objects.size() > 1) {
            throw new TlsMaterialException(file, "expected one private key, found " + objects.size() + " PEM blocks");
        }
        Object object = objects.get(0);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new TlsMaterialException(file, "the private key cannot be decoded", e);
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
            throw new TlsMaterialException(file, "the private key is encrypted; give an unencrypted PKCS#8 key"
                    + " (openssl pkcs8 -topk8 -nocrypt) in a file only the node's user can read");
        }
        throw new TlsMaterialException(file, "expected a PRIVATE KEY block, found " + describe(object));
    }

    private static List<Object> readObjects(Path file) throws TlsMaterialException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (NoSuchFileException e) {
            throw new TlsMaterialException(file, "file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new TlsMaterialException(file, "file cannot be read (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw new TlsMaterialException(file, "not PEM text (binary content; convert DER with openssl x509 -inform der)", e);
        } catch (IOException | RuntimeException e) {
            // PEMParser reports bad base64 and bad DER as IOExceptions and sometimes as runtime exceptions
            throw new TlsMaterialException(file, "not valid PEM (" + e.getClass().getSimpleName() + ")", e);
        }
        return objects;
    }

    private static String describe(Object object) {
        if (object instanceof X509CertificateHolder) {
            return "a CERTIFICATE block";
        }
        if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
            return "a private key block";
        }
        return "a block of another kind (" + object.getClass().getSimpleName() + ")";
    }
}
