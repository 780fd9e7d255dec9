//! How calls and arguments read in messages.

use crate::facts::Call;

/// The call as it reads, shortened: `spin_lock_irqsave(&priv->lock, flags)`.
pub fn call_text(call: &Call) -> String {
    let name = match call.guard_class() {
        Some(class) if call.callee == "guard" => format!("guard({class})"),
        Some(class) => return format!("{}({class}, {})", call.callee, call.args().join(", ")),
        None => call.callee.to_string(),
    };
    let args = call.args().join(", ");
    format!("{name}({})", short(&args))
}

pub fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Shortens an argument for a message.
pub fn short(s: &str) -> String {
    if s.len() > 60 {
        format!("{}…", &s[..floor_char(s, 60)])
    } else {
        s.to_string()
    }
}
