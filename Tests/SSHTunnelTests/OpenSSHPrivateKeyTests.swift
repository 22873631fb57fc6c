import Foundation
import Testing

@testable import SSHTunnel

/// Keys made for these tests with `ssh-keygen -t ed25519` (test only, used nowhere else).
enum TestKeys {
    static let ed25519 = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBA7lK5gXBILZojOOw6MV7y4j3cginhdfSv1cjisX7YjAAAAJCaKv49mir+
        PQAAAAtzc2gtZWQyNTUxOQAAACBA7lK5gXBILZojOOw6MV7y4j3cginhdfSv1cjisX7YjA
        AAAEAc50K1xH8ZEN+P6pU28nzUDsHvD7Oa0R/lpfvjgF1H7kDuUrmBcEgtmiM47DoxXvLi
        PdyCKeF19K/VyOKxftiMAAAACHRlc3RAcnBhAQIDBAU=
        -----END OPENSSH PRIVATE KEY-----
        """
    static let ed25519Public =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEDuUrmBcEgtmiM47DoxXvLiPdyCKeF19K/VyOKxftiM test@rpa"
    /// `ssh-keygen -t ed25519 -N secret`.
    static let encrypted = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABBXraky2i
        nuznVKsEYxZaHoAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIHWpDNeGgH2UT49M
        a31q8MWfX33yk5HlUp33Y1Oglh00AAAAkFgvmqRbkpGhwSMLbw67nnz70BXS63gR7GRKte
        rp115p4tIUh5np/lURsXHfRhXtx1OAg8FM73R/f5Jwf3YJE50lux1YnRJDgyhIiUfs5cLO
        croCtLj3eTZodY0E2JXhURjkadMuyCNi1c/9XD0pgoxxDbGC+Ka0YRLuGHzGuc2LnYGB79
        OvGs9bOV5Pz2JcBg==
        -----END OPENSSH PRIVATE KEY-----
        """
    /// `ssh-keygen -t rsa -b 1024`.
    static let rsa = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAlwAAAAdzc2gtcn
        NhAAAAAwEAAQAAAIEA4u1Y1CpauO1okAFMPp630rm+Q1JFZr4cnlSk+G7P1Q2JywDfAtMG
        tWwdQVrrIAfDJeOzIRURGrPEe0T/bdNCLsifrvkmb9hUOMpC/sjg/v+/lPgZ3or1ce34ck
        B0vHurL97gE2wH//+qjM/pf9iyB2csB1gGgqdK/UKuT9Ipo2MAAAIAxW0KssVtCrIAAAAH
        c3NoLXJzYQAAAIEA4u1Y1CpauO1okAFMPp630rm+Q1JFZr4cnlSk+G7P1Q2JywDfAtMGtW
        wdQVrrIAfDJeOzIRURGrPEe0T/bdNCLsifrvkmb9hUOMpC/sjg/v+/lPgZ3or1ce34ckB0
        vHurL97gE2wH//+qjM/pf9iyB2csB1gGgqdK/UKuT9Ipo2MAAAADAQABAAAAgCYDIBgaKC
        xGCHfm38C1kZFI7+gTBfEZ821KPIAo/8NuiyBoOvMcKkmFnLjv4+bvpe7Y346xGrZgWo9T
        lX3uH22qCL/kuoPq3RZIAcyR7cPmOvRIWnlMsKdNSdMfPH53DrSmcE1wx0LBZMfST4qwFm
        F9cfOs+7ZORaP0oVecwUThAAAAQQDB4H/dpEbjIapg19TMtZFqX6Ebho4LqZwztfJ78mJy
        IeLoyEcFySIBkh6xIOur+hYbv3Nvv032KTBhzTn53diGAAAAQQDznsVdGebcG+XHE/LgWr
        F8ToMpc1/98AhgTcxVky24BYjXGqqE1HscEMd85G+ObVW1qSiD+d616HLrMbxs6Y9bAAAA
        QQDudWrzcL8ltH8bbx1bhyVzbLheywVDVUINPm/KtZWVfnuVQDZeQOpQI8sJEMsWPcE6aK
        4RrGUHErx42YVm0MKZAAAAA3JzYQECAwQFBgc=
        -----END OPENSSH PRIVATE KEY-----
        """
}

@Suite struct OpenSSHPrivateKeyTests {
    @Test func readsAnUnencryptedEd25519Key() throws {
        let key = try OpenSSHPrivateKey(pem: TestKeys.ed25519)
        #expect(key.seed.count == 32)
        #expect(key.publicKey.count == 32)
        #expect(key.comment == "test@rpa")
        // The public half as ssh-keygen wrote it to the .pub file.
        #expect(key.authorizedKey == TestKeys.ed25519Public)
    }

    @Test func descriptionNamesNoKeyBytes() throws {
        let key = try OpenSSHPrivateKey(pem: TestKeys.ed25519)
        #expect(key.description == "ssh-ed25519 private key (test@rpa)")
        let seedText = Data(key.seed).base64EncodedString()
        #expect(!"\(key)".contains(seedText))
    }

    @Test func refusesAnEncryptedKey() {
        #expect(throws: OpenSSHKeyError.self) { try OpenSSHPrivateKey(pem: TestKeys.encrypted) }
        do {
            _ = try OpenSSHPrivateKey(pem: TestKeys.encrypted)
        } catch let error as OpenSSHKeyError {
            #expect(error.isEncrypted)
            #expect(error.message.contains("passphrase"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func refusesOtherKeyTypes() {
        do {
            _ = try OpenSSHPrivateKey(pem: TestKeys.rsa)
            Issue.record("an RSA key was accepted")
        } catch let error as OpenSSHKeyError {
            #expect(error.message.contains("ssh-rsa"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func refusesWhatIsNotAKey() {
        #expect(throws: OpenSSHKeyError.self) { try OpenSSHPrivateKey(pem: "hello") }
        let truncated = TestKeys.ed25519.replacingOccurrences(
            of: "PdyCKeF19K/VyOKxftiMAAAACHRlc3RAcnBhAQIDBAU=\n", with: "")
        #expect(throws: OpenSSHKeyError.self) { try OpenSSHPrivateKey(pem: truncated) }
    }

    @Test func refusesAKeyWhosePublicHalvesDisagree() throws {
        // Flip one byte of the private section's copy of the public key.
        let body = TestKeys.ed25519.split(separator: "\n").dropFirst().dropLast().joined()
        var bytes = Array(Data(base64Encoded: body)!)
        bytes[bytes.count - 20] ^= 0xff
        #expect(throws: OpenSSHKeyError.self) { try OpenSSHPrivateKey(binary: bytes) }
    }
}
