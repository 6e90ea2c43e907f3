/*
 * A picture of a trace without Perfetto: an SVG timeline with one lane per
 * pCPU, coloured by the VM running there, in dark shades by exit class
 * where the hypervisor runs (between an exit and the next entry), ticks for
 * interrupts injected and guest markers. Each pixel column takes the
 * colour of what ran longest in it, so big traces stay small.
 */
#include <stdio.h>

#include "vtrace.h"

#define SVG_W 1200
#define SVG_LEFT 70
#define SVG_LANE 34
#define SVG_TOP 40

static const char *const svg_colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
                                          "#76b7b2", "#edc948", "#ff9da7", "#9c755f"};
/* Hypervisor time, by exit kind (dec_exit_kind): dark, told apart by hue. */
static const char *const svg_hyp_colours[DEC_EXIT_KINDS] = {
    "#1b1b3a", "#3a1b1b", "#1b3a1b", "#4a3000", "#30004a", "#00404a", "#5a0000", "#333333"};
#define SVG_WHO (8 + DEC_EXIT_KINDS) /* VMs by id % 8, then exit kinds */

#define SVG_PX (SVG_W - SVG_LEFT - 10)

static double svg_x(const struct vtrace *t, uint64_t ts)
{
	double span = t->t1 > t->t0 ? (double)(t->t1 - t->t0) : 1.0;

	return SVG_LEFT + ((double)ts - (double)t->t0) * SVG_PX / span;
}

/* Time per pixel column: index 0..7 a VM (by id % 8), 8.. the hypervisor by exit kind. */
struct svg_cols {
	double t[SVG_PX][SVG_WHO];
};

static void svg_add(const struct vtrace *t, struct svg_cols *c, uint64_t from, uint64_t to, int who)
{
	double x0 = svg_x(t, from) - SVG_LEFT, x1 = svg_x(t, to) - SVG_LEFT;

	if (x1 < 0 || x0 >= SVG_PX)
		return;
	for (int px = x0 < 0 ? 0 : (int)x0; px <= (int)x1 && px < SVG_PX; px++) {
		double lo = px > x0 ? px : x0, hi = px + 1 < x1 ? px + 1 : x1;

		if (px >= 0 && hi > lo)
			c->t[px][who] += hi - lo;
	}
}

/* Each column gets the colour of whatever ran there longest; runs become one rectangle. */
static void svg_draw(const struct svg_cols *c, FILE *out, int y)
{
	int run_who = -1, run_from = 0;

	for (int px = 0; px <= SVG_PX; px++) {
		int who = -1;
		double best = 0;

		for (int k = 0; px < SVG_PX && k < SVG_WHO; k++)
			if (c->t[px][k] > best) {
				best = c->t[px][k];
				who = k;
			}
		if (who == run_who)
			continue;
		if (run_who >= 0)
			fprintf(out, "<rect x='%d' y='%d' width='%d' height='22' fill='%s'/>\n",
			        SVG_LEFT + run_from, y + 2, px - run_from,
			        run_who >= 8 ? svg_hyp_colours[run_who - 8] : svg_colours[run_who]);
		run_who = who;
		run_from = px;
	}
}

static void svg_ring(const struct vtrace *t, const struct vtrace_ring *r, FILE *out, int y,
                     struct svg_cols *c)
{
	uint64_t since = 0;
	int vm = -1, in_guest = 0, kind = DEC_EXIT_KINDS - 1;

	for (int px = 0; px < SVG_PX; px++)
		for (int k = 0; k < SVG_WHO; k++)
			c->t[px][k] = 0;
	fprintf(out, "<text x='8' y='%d' font-size='13'>pCPU %u</text>\n", y + 17, r->cpu);
	for (uint64_t i = 0; i < r->n; i++) {
		const struct vt_record *rec = &r->rec[i];

		if (rec->event == VT_EV_ENTER) {
			if (!in_guest && since)
				svg_add(t, c, since, rec->ts, 8 + kind);
			vm = rec->vm;
			in_guest = 1;
			since = rec->ts;
		} else if (rec->event == VT_EV_EXIT) {
			if (in_guest && vm >= 0 && vm != VT_NONE)
				svg_add(t, c, since, rec->ts, vm % 8);
			in_guest = 0;
			kind = dec_exit_kind(t, rec->a);
			since = rec->ts;
		}
	}
	svg_draw(c, out, y);
	for (uint64_t i = 0; i < r->n; i++) {
		const struct vt_record *rec = &r->rec[i];

		double x = svg_x(t, rec->ts);

		if ((rec->event == VT_EV_INJECT || rec->event == VT_EV_MARK) && x >= SVG_LEFT &&
		    x <= SVG_LEFT + SVG_PX)
			fprintf(out,
			        "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' "
			        "stroke-width='1'/>\n",
			        svg_x(t, rec->ts), y, svg_x(t, rec->ts), y + 4,
			        rec->event == VT_EV_MARK ? "#e15759" : "#000000");
	}
}

int svg_write(const struct vtrace *t, FILE *out)
{
	int h = SVG_TOP + (int)t->nr_rings * SVG_LANE + 58;
	double ms = (double)(t->t1 - t->t0) * 1e3 / (double)t->timer_freq;

	fprintf(out,
	        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
	        "font-family='sans-serif'>\n<rect width='100%%' height='100%%' fill='white'/>\n",
	        SVG_W, h);
	fprintf(out,
	        "<text x='8' y='22' font-size='14'>Vitrine trace: %.3f ms, %llu records; "
	        "colour: VM running, dark: hypervisor, ticks: injections (black), guest "
	        "markers (red)</text>\n",
	        ms, (unsigned long long)t->nr_records);
	static struct svg_cols cols;

	for (uint32_t i = 0; i < t->nr_rings; i++)
		svg_ring(t, &t->rings[i], out, SVG_TOP + (int)i * SVG_LANE, &cols);
	for (int i = 0; i <= 10; i++) {
		double x = SVG_LEFT + i * SVG_PX / 10.0, at = ms * i / 10;

		fprintf(out,
		        "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#999'/><text x='%.1f' "
		        "y='%d' font-size='11' text-anchor='middle'>%.*f %s</text>\n",
		        x, h - 54, x, h - 48, x, h - 36, ms < 1 ? 1 : 2, ms < 1 ? at * 1000 : at,
		        ms < 1 ? "us" : "ms");
	}
	for (uint32_t v = 0; v < t->nr_vms; v++)
		fprintf(out,
		        "<rect x='%u' y='%d' width='12' height='12' fill='%s'/><text x='%u' y='%d' "
		        "font-size='12'>VM %.31s</text>\n",
		        SVG_LEFT + v * 140, h - 30, svg_colours[v % 8], SVG_LEFT + v * 140 + 16,
		        h - 20, t->vms[v].name);
	for (int k = 0, x = SVG_LEFT; k < DEC_EXIT_KINDS; k++) {
		const char *name = dec_exit_kind_name(t, k);

		if (!name) /* past this architecture's classes */
			continue;
		fprintf(out,
		        "<rect x='%d' y='%d' width='12' height='12' fill='%s'/><text x='%d' y='%d' "
		        "font-size='12'>%s</text>\n",
		        x, h - 14, svg_hyp_colours[k], x + 16, h - 4, name);
		x += 140;
	}
	fprintf(out, "</svg>\n");
	return ferror(out) ? -1 : 0;
}
