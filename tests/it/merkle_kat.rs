//! RFC 6962 known answers (the Certificate Transparency reference vectors) and C2SP
//! checkpoint/signed-note interoperability.

use horizon::ledger::checkpoint::{sign_checkpoint, sign_note, verify_checkpoint};
use horizon::ledger::merkle::{HashStore, RootAccumulator, leaf_hash};
use horizon::ledger::{NamedKey, VerifierKey};
use sha2::{Digest, Sha256};

const LEAVES: [&str; 8] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn store() -> HashStore {
    let mut s = HashStore::default();
    for leaf in LEAVES {
        s.push(leaf_hash(&hex::decode(leaf).unwrap()));
    }
    s
}

fn hexes(hashes: &[tlog_tiles::Hash]) -> Vec<String> {
    hashes.iter().map(|h| hex::encode(h.0)).collect()
}

#[test]
fn roots_match_rfc6962_reference_vectors() {
    let mut acc = RootAccumulator::default();
    let mut s = HashStore::default();
    assert_eq!(hex::encode(acc.root().0), hex::encode(Sha256::digest(b"")), "empty tree");
    for (i, leaf) in LEAVES.iter().enumerate() {
        let h = leaf_hash(&hex::decode(leaf).unwrap());
        acc.push(h);
        s.push(h);
        assert_eq!(hex::encode(acc.root().0), ROOTS[i], "streaming root of {} leaves", i + 1);
        assert_eq!(hex::encode(s.root().0), ROOTS[i], "stored root of {} leaves", i + 1);
    }
    for size in 1..=8u64 {
        assert_eq!(hex::encode(s.root_at(size).unwrap().0), ROOTS[size as usize - 1]);
    }
}

#[test]
fn inclusion_proofs_match_reference_vectors() {
    let s = store();
    let cases: [(u64, u64, &[&str]); 4] = [
        (0, 8, &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (5, 8, &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ];
    for (index, size, expected) in cases {
        let proof = s.prove_inclusion(index, size).unwrap();
        assert_eq!(hexes(&proof), expected, "inclusion of {index} in {size}");
        let root = s.root_at(size).unwrap();
        let leaf = leaf_hash(&hex::decode(LEAVES[index as usize]).unwrap());
        tlog_tiles::check_record(&proof, size, root, index, leaf).unwrap();
        let wrong_leaf = leaf_hash(b"not this leaf");
        assert!(tlog_tiles::check_record(&proof, size, root, index, wrong_leaf).is_err());
    }
}

#[test]
fn consistency_proofs_match_reference_vectors() {
    let s = store();
    let cases: [(u64, u64, &[&str]); 3] = [
        (1, 8, &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (6, 8, &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 5, &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ];
    for (old, new, expected) in cases {
        let proof = s.prove_consistency(old, new).unwrap();
        assert_eq!(hexes(&proof), expected, "consistency {old} → {new}");
        tlog_tiles::check_tree(&proof, new, s.root_at(new).unwrap(), old, s.root_at(old).unwrap()).unwrap();
    }
}

/// C2SP signed-note key ID: SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4].
fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n\x01");
    h.update(public);
    h.finalize()[..4].try_into().unwrap()
}

/// Our checkpoints, checked by a verifier written here from the C2SP specs alone (the body
/// built by hand, the note split by hand, the signature checked with raw Ed25519), not by
/// the `signed_note` code that made them; and a checkpoint signed here the same way is
/// accepted by ours.
#[test]
fn checkpoints_interoperate_with_a_signed_note_verifier_written_from_the_spec() {
    let key = NamedKey::from_seed("example.com/valley", [9; 32]).unwrap();
    let public = key.signing_key.verifying_key().to_bytes();
    let root = store().root();
    let cp = sign_checkpoint(&key, 8, root);

    let text = String::from_utf8(cp.note.clone()).unwrap();
    let (body, signatures) = text.split_once("\n\n").expect("a blank line ends the signed text");
    let body = format!("{body}\n");
    assert_eq!(body, format!("example.com/valley\n8\n{}\n", base64_encode(&root.0)), "C2SP tlog-checkpoint body");
    let lines: Vec<&str> = signatures.lines().collect();
    assert_eq!(lines.len(), 1, "one signature: {signatures:?}");
    let sig = base64_decode(lines[0].strip_prefix("— example.com/valley ").expect("signature line names the key"));
    assert_eq!(sig.len(), 4 + 64);
    assert_eq!(sig[..4], key_id("example.com/valley", &public), "the signature starts with the key ID");
    let vkey = key.verifier_key();
    assert_eq!(vkey, format!("example.com/valley+{}+{}", hex::encode(key_id("example.com/valley", &public)), base64_encode(&[&[1u8][..], &public].concat())));
    let raw = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(sig[4..].try_into().unwrap());
    raw.verify_strict(body.as_bytes(), &signature).expect("Ed25519 over exactly the checkpoint body");

    // The other way: a note signed here, with the raw key, opens with our verifier.
    use ed25519_dalek::Signer;
    let other_body = format!("example.com/valley\n3\n{}\n", base64_encode(&store().root_at(3).unwrap().0));
    let mut line = key_id("example.com/valley", &public).to_vec();
    line.extend(key.signing_key.sign(other_body.as_bytes()).to_bytes());
    let note = format!("{other_body}\n— example.com/valley {}\n", base64_encode(&line));
    let parsed = verify_checkpoint(note.as_bytes(), &VerifierKey::parse(&vkey).unwrap()).unwrap();
    assert_eq!((parsed.size, parsed.root), (3, store().root_at(3).unwrap()));
    let mut forged = note.into_bytes();
    forged[other_body.len() - 3] ^= 1; // the root changes, the signature stays
    assert!(verify_checkpoint(&forged, &VerifierKey::parse(&vkey).unwrap()).is_err(), "a changed body is refused");

    let other = NamedKey::from_seed("example.com/valley", [8; 32]).unwrap();
    assert!(verify_checkpoint(&cp.note, &VerifierKey::parse(&other.verifier_key()).unwrap()).is_err(), "another key rejects it");
}

/// The signer key and the signed note of Go's `sumdb/note` tests (note_test.go, TestSign):
/// our keys are the same format and Ed25519 is deterministic, so our note signer (the one
/// `sign_checkpoint` uses) must produce Go's note byte for byte.
#[test]
fn our_note_signer_produces_go_sumdb_notes_signature_byte_for_byte() {
    let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let key = NamedKey::from_signer_string(skey).unwrap();
    assert_eq!(key.verifier_key(), vkey);
    assert_eq!(key.to_signer_string(), skey);
    let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    let go = format!("{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
    assert_eq!(String::from_utf8(sign_note(&key, text.as_bytes()).unwrap()).unwrap(), go);
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}
