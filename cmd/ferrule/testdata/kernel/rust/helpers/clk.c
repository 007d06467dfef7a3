// SPDX-License-Identifier: GPL-2.0

#include <linux/clk.h>

__rust_helper int rust_helper_clk_prepare_enable(struct clk *clk)
{
	return clk_prepare_enable(clk);
}
