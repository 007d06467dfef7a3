/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __LINUX_CLK_H
#define __LINUX_CLK_H

struct clk;

unsigned long clk_get_rate(struct clk *clk);
int clk_prepare(struct clk *clk);
void clk_unprepare(struct clk *clk);
int clk_enable(struct clk *clk);

static inline int clk_prepare_enable(struct clk *clk)
{
	int ret;

	ret = clk_prepare(clk);
	if (ret)
		return ret;
	return clk_enable(clk);
}

#endif
