//! How deep YAML nests, read before it is parsed. The YAML parser (libyaml, under
//! serde_yaml_ng) looks over every open flow collection at each token, so 100,000 nested `[`
//! (200 KB) take minutes before the deserializer's own depth limit is reached; and a line of
//! `- - - …` opens a block sequence per two characters. Reading the text once for the nesting
//! and refusing it past [`MAX_DEPTH`] makes such a file an error at once.
//!
//! The count is cautious: it counts only brackets that certainly open a collection (outside
//! quotes, comments and block scalars; at the start of a value outside a flow collection), so a
//! file it lets through may nest a little deeper than counted, never less, and a file it refuses
//! certainly nests that deep.

/// Deeper than this is refused: serde_yaml_ng stops at 128 levels anyway.
pub const MAX_DEPTH: usize = 128;

/// `Err((line, message))` when `text` nests collections deeper than [`MAX_DEPTH`].
pub fn check_depth(text: &str) -> Result<(), (u32, String)> {
    let mut flow = 0usize;
    let mut line = 1u32;
    let mut block_scalar: Option<usize> = None;
    let mut quote: Option<char> = None;
    for raw in text.split_inclusive('\n') {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        if let Some(at) = block_scalar {
            // A block scalar goes on while lines are blank or indented more than its key.
            if raw.trim().is_empty() || indent > at {
                line += 1;
                continue;
            }
            block_scalar = None;
        }
        let mut block = 0usize;
        // At the start of a value: only spaces, `- `, `? ` or `key: ` before, on this line.
        let mut value_start = true;
        let mut chars = raw.char_indices().peekable();
        let mut prev = ' ';
        while let Some((_, c)) = chars.next() {
            if let Some(q) = quote {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    // `''` inside single quotes is a quote, not the end.
                    if q == '\'' && chars.peek().is_some_and(|&(_, d)| d == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                        value_start = false;
                    }
                }
                prev = c;
                continue;
            }
            let next_blank = chars.peek().is_none_or(|&(_, d)| d == ' ' || d == '\n' || d == '\r' || d == '\t');
            match c {
                '#' if prev == ' ' || prev == '\t' => break,
                '"' | '\'' if flow > 0 || value_start => quote = Some(c),
                '[' | '{' if flow > 0 || value_start => flow += 1,
                ']' | '}' if flow > 0 => flow -= 1,
                '-' | '?' if flow == 0 && value_start && next_blank => block += 1,
                ':' if flow == 0 && next_blank => value_start = true,
                '|' | '>' if flow == 0 && value_start => {
                    block_scalar = Some(indent);
                    break;
                }
                ' ' | '\t' | '\r' | '\n' => {}
                _ if flow == 0 => value_start = false,
                _ => {}
            }
            if flow + block > MAX_DEPTH {
                return Err((
                    line,
                    format!(
                        "YAML nested more than {MAX_DEPTH} levels deep: no real file nests so deep, and reading it \
                         would take minutes; flatten it"
                    ),
                ));
            }
            prev = c;
        }
        line += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_and_block_nesting_are_refused_with_their_line() {
        let deep = format!("a: 1\nx: {}{}\n", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(check_depth(&deep).map_err(|e| e.0), Err(2));
        let dashes = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert_eq!(check_depth(&dashes).map_err(|e| e.0), Err(1));
        let mixed = format!("k:\n  - {}\n", "{a: [".repeat(70));
        assert!(check_depth(&mixed).is_err());
    }

    #[test]
    fn as_deep_as_allowed_and_brackets_that_open_nothing_pass() {
        let ok = format!("x: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(check_depth(&ok), Ok(()));
        // In quotes, comments, block scalars and inside plain scalars, brackets are text.
        let many = 2 * MAX_DEPTH;
        let text = format!(
            "a: '{o}'\nb: \"{o}\"\n# {o}\nc: |\n  {o}\n  {o}\nd: x{o}\ne: it's {o}\nf: 'it''s {o}'\n",
            o = "[".repeat(many)
        );
        assert_eq!(check_depth(&text), Ok(()));
        // Real lockfile shapes.
        let pnpm = "lockfileVersion: '9.0'\npackages:\n  pkg@1.0.0:\n    resolution: {integrity: sha512-A}\n";
        assert_eq!(check_depth(pnpm), Ok(()));
        let podfile = "PODS:\n  - A (1.0):\n    - B (= 2.0)\nCOCOAPODS: 1.12.0\n";
        assert_eq!(check_depth(podfile), Ok(()));
    }

    #[test]
    fn what_it_lets_through_the_parser_reads() {
        // Balanced, moderately nested, with every construct: the parser agrees it is YAML.
        let text = format!("k: {}1{}\nl:\n  - - [a, {{b: c}}]\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(check_depth(&text), Ok(()));
        assert!(serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).is_ok());
    }
}
