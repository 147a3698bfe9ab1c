//! What a command may write: the one check every command that writes a file makes before it
//! does any work (and again for each file it writes into a directory). An output never
//! replaces an input, and never lands inside an inventory directory the command reads unless
//! `--force-inside`. (Special files as targets are refused by `piflow::output` itself.)

use super::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// `path` made absolute with symlinks resolved as far as it exists (the rest appended as given).
fn resolve(path: &Path) -> Option<PathBuf> {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                match Path::new(part).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    Some(_) => out.push(part),
                }
            }
            return Some(out);
        }
        rest.push(existing.file_name().unwrap_or(existing.as_os_str()));
        existing = existing.parent()?;
    }
}

/// Refuse (message, exit 2) an output `out` that would replace one of `inputs` (an inventory
/// file or directory, a notice, a capture, a manifest) or land inside an input that is a
/// directory (an inventory directory), unless `force_inside` (which still never allows
/// replacing an input). `None` and `-o -` are standard output and always allowed.
pub(crate) fn refuse_over_inputs(inputs: &[&Path], out: Option<&Path>, force_inside: bool) -> Result<()> {
    let Some(out) = out.filter(|o| o.as_os_str() != "-") else { return Ok(()) };
    let Some(target) = resolve(out) else { return Ok(()) };
    for input in inputs {
        let Some(input_abs) = resolve(input) else { continue };
        if target == input_abs {
            return Err(Error::msg(format!(
                "refusing to write {} over the input {}; write the output somewhere else",
                out.display(),
                input.display()
            )));
        }
        if input.is_dir() && !force_inside && target.starts_with(&input_abs) {
            return Err(Error::msg(format!(
                "refusing to write {} inside the inventory directory {}; choose another place or pass --force-inside",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}
