// SPDX-License-Identifier: GPL-2.0

//! Clock abstractions.
//!
//! C header: [`include/linux/clk.h`](srctree/include/linux/clk.h)

use crate::bindings;

/// A reference-counted clock.
///
/// # Invariants
///
/// `self.0` is a valid pointer to a `struct clk`.
pub struct Clk(*mut bindings::clk);

impl Clk {
    /// Returns the rate of the clock in Hz.
    pub fn rate(&self) -> u64 {
        // SAFETY: By the type invariants, `self.0` is a valid pointer to a
        // `struct clk`, and `clk_get_rate` may be called on any valid
        // clock, prepared or not, from any context that may sleep or not,
        // without further requirements on the caller.
        unsafe { bindings::clk_get_rate(self.0) as u64 }
    }

    /// Prepares and enables the clock.
    pub fn prepare_enable(&self) -> Result {
        // SAFETY: By the type invariants, `self.0` is a valid pointer.
        to_result(unsafe { bindings::clk_prepare_enable(self.0) })
    }
}
