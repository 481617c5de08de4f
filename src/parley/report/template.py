"""The HTML report's page: one Jinja2 template with its CSS inline (no file to ship, no network).

Everything from the case is escaped by Jinja2's autoescape; only the SVG figures, which matplotlib
has already XML-escaped, are marked safe.
"""

CSS = """
:root { --ink: #1d2733; --muted: #5b6673; --rule: #d9dee4; --band: #f4f6f8; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
p.meta, p.note, .muted { color: var(--muted); font-size: 0.9rem; }
nav ol { columns: 2; font-size: 0.92rem; padding-left: 1.2rem; }
a { color: var(--accent); }
.scroll { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.25rem 0.55rem; vertical-align: top; }
th { background: var(--band); text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tbody tr:hover { background: #fafbfc; }
th.group { text-align: center; border-left: 2px solid #fff; }
td.first, th.first { border-left: 2px solid var(--rule); }
td.none { color: #aab; text-align: center; }

.range, .tags { display: block; color: var(--muted); font-size: 0.72rem; font-weight: normal; }
table.case-table { font-size: 0.8rem; }
table.case-table th, table.case-table td { padding: 0.2rem 0.4rem; }
table.case-table tbody th { min-width: 11rem; }
table.forecast-table tbody th, table.scenario-table tbody th, table.issue-table tbody th { min-width: 12rem; }
table.forecast-table td.num, table.forecast-table th.num,
table.front-forecast-table td.num, table.front-forecast-table th.num { white-space: normal; }
.anchor { display: block; color: var(--muted); font-size: 0.78rem; }
td.up { color: #0a6b2b; } td.down { color: #a3211f; }
.anchor.up::before { content: "\\25B2\\00A0"; } .anchor.down::before { content: "\\25BC\\00A0"; }
.bottom-line td.num { font-weight: 600; } .flag { color: var(--ink); font-weight: 600; }
@media (max-width: 900px) {
  main { padding: 1rem 0.8rem 3rem; }
  table.case-table { font-size: 0.68rem; }
  table.case-table th, table.case-table td { padding: 0.15rem 0.2rem; }
  table.case-table tbody th { min-width: 6rem; }
  table.forecast-table tbody th, table.scenario-table tbody th, table.issue-table tbody th { min-width: 7rem; }
}
figure { margin: 0.6rem 0 1.6rem; }
figure svg { width: 100%; height: auto; display: block; }
.multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0.3rem 1rem; }
.multiples .panel { min-width: 0; }
figcaption { color: var(--muted); font-size: 0.85rem; }
td.barcell { white-space: nowrap; font-variant-numeric: tabular-nums; min-width: 12rem; }
.bar { display: inline-block; height: 0.7rem; background: var(--accent); opacity: .75;
       vertical-align: middle; margin-right: .4rem; }
.stable { color: #0a6b2b; font-weight: 600; } .unstable { color: #a3211f; font-weight: 600; }
ul.sources { font-size: 0.85rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--rule); }
@media print { main { max-width: none; } h2 { break-before: auto; } figure { break-inside: avoid; } }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="parley {{ version }}">
<title>{{ case.title }} - parley report</title>
<style>{{ css }}</style>
</head>
<body>
{% macro est(e) %}{{ e.value }}{% if e.range %}<span class="range">{{ e.range }}</span>{% endif %}{% endmacro %}
<main>
<header>
<p class="meta">parley report{% if case.date %} &middot; case dated {{ case.date }}{% endif %}</p>
<h1>{{ case.title }}</h1>
{% if case.description %}<p>{{ case.description }}</p>{% endif %}
</header>
<section id="bottom-line" class="bottom-line">
<h2>Bottom line</h2>
<p class="note">{% if recommended %}The recommended forecast is the {{ recommended }} model's, the model
with the best record on EU decisions ({{ record }}); {% endif %}the range runs from the lowest to the
highest forecast of the models run. Where they span more than a quarter of the issue's scale, no
single model should be read alone.</p>
<div class="scroll"><table class="bottom-line-table">
<thead><tr><th>issue</th>{% if recommended %}<th class="num">recommended</th>{% endif %}<th class="num">range across models</th></tr></thead>
<tbody>{% for row in bottom_line %}<tr><th>{{ row.label }}</th>{% if recommended %}<td class="num">{{ row.recommended }}<span class="anchor">{{ row.anchor }}</span></td>{% endif %}<td class="num">{{ row.range }}{% if row.disagree %}<span class="anchor flag">models disagree</span>{% endif %}</td></tr>
{% endfor %}</tbody></table></div>
</section>
<nav><ol>
{% for id, name in toc %}<li><a href="#{{ id }}">{{ name }}</a></li>
{% endfor %}</ol></nav>

<section id="case">
<h2>The case</h2>
<p class="note">{{ actors|length }} actors, {{ issues|length }} issues. Per issue: pos., the position in the issue's units;
sal., the salience on the case's scale (0&ndash;{{ salience_scale }}); cap., the capability on the issue.
A dash: the actor takes no position. Where a value carries uncertainty its low&ndash;high range is
shown beneath it.</p>
<div class="scroll"><table class="case-table">
<thead>
<tr><th rowspan="2">actor <span class="tags">tags</span></th>
{% for issue in issues %}<th class="group first" colspan="3">{{ issue.label }}</th>{% endfor %}</tr>
<tr>{% for issue in issues %}<th class="num first" title="position">pos.</th><th class="num" title="salience">sal.</th><th class="num" title="capability">cap.</th>{% endfor %}</tr>
</thead>
<tbody>
{% for row in case_rows %}<tr><th>{{ row.label }}{% if row.label != row.id %} <span class="muted">({{ row.id }})</span>{% endif %}{% if row.tags %}<span class="tags">{{ row.tags }}</span>{% endif %}</th>
{% for cell in row.cells %}{% if cell is none %}<td class="none first">&ndash;</td><td class="none">&ndash;</td><td class="none">&ndash;</td>
{% else %}<td class="num first">{{ est(cell.position) }}</td><td class="num">{{ est(cell.salience) }}</td><td class="num">{{ est(cell.capability) }}</td>
{% endif %}{% endfor %}</tr>
{% endfor %}</tbody></table></div>

<h3>Issues</h3>
<div class="scroll"><table class="issue-table">
<thead><tr><th>issue</th><th>scale</th><th>status quo</th><th>recorded outcome</th><th>anchors</th></tr></thead>
<tbody>
{% for issue in issue_rows %}<tr><th>{{ issue.label }}{% if issue.description %}<span class="tags">{{ issue.description }}</span>{% endif %}</th>
<td class="num">{{ issue.scale }}</td><td class="num">{{ issue.status_quo }}</td><td class="num">{{ issue.outcome }}</td>
<td>{% for value, label in issue.anchors %}<span class="anchor">{{ value }}: {{ label }}</span>{% endfor %}</td></tr>
{% endfor %}</tbody></table></div>
{% if sources %}<h3>Sources</h3><ul class="sources">{% for s in sources %}<li>{{ s }}</li>{% endfor %}</ul>{% endif %}
</section>

<section id="forecasts">
<h2>Forecasts</h2>
<p class="note">Each model's forecast on the base case, in the issue's units, with the nearest labelled
point of the scale.</p>
<div class="scroll"><table class="forecast-table">
<thead><tr><th>issue</th>{% for m in models %}<th class="num">{{ m.name }}{% if m.stop %}<span class="anchor">{{ m.stop }}</span>{% endif %}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in forecast_rows %}<tr><th>{{ row.label }}</th>{% for cell in row.cells %}<td class="num">{{ cell.value }}{% if cell.anchor %}<span class="anchor">~ {{ cell.anchor }}</span>{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
</section>

<section id="positions">
<h2>Positions and forecasts by issue</h2>
<p class="note">Each circle is an actor at its position; its area is proportional to capability &times;
salience on the issue. Vertical lines mark each model's forecast; labelled points of the scale are on
the top axis.</p>
{% for fig in strip_figures %}<figure class="strip" id="strip-{{ loop.index }}">
{{ fig.svg }}
<figcaption>{{ fig.caption }}</figcaption>
</figure>
{% endfor %}</section>

<section id="rounds">
<h2>Positions over rounds</h2>
{% if rounds_figures %}<p class="note">For each model that plays rounds: every actor's position after each
round (round 0 is the input), the model's per-round summaries and its forecast.</p>
{% for fig in rounds_figures %}<figure class="rounds" id="rounds-{{ loop.index }}">
{{ fig.svg }}
<figcaption>{{ fig.caption }}</figcaption>
</figure>
{% endfor %}{% else %}<p class="note">None of the models run ({{ model_list }}) plays rounds: their forecasts
come from the positions as given.</p>{% endif %}
</section>

<section id="scenarios">
<h2>Scenarios</h2>
{% if scenarios %}<p class="note">Each model on the base case and on each scenario; a scenario's cell is its
forecast and, beneath, the shift from the base case in the issue's units.</p>
<dl>{% for s in scenarios %}<dt><strong>{{ s.name }}</strong></dt><dd>{% if s.description %}{{ s.description }}<br>{% endif %}<span class="muted">{{ s.changes }}</span></dd>
{% endfor %}</dl>
<div class="scroll"><table class="scenario-table">
<thead><tr><th>issue</th><th>model</th><th class="num">base</th>{% for s in scenarios %}<th class="num">{{ s.name }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in scenario_rows %}<tr>{% if row.first %}<th rowspan="{{ row.span }}">{{ row.label }}</th>{% endif %}<td>{{ row.model }}</td><td class="num">{{ row.base }}</td>
{% for cell in row.cells %}<td class="num">{{ cell.value }}<span class="anchor {{ cell.direction }}">{{ cell.shift }}</span></td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="note">This case has no scenarios{% if scenarios_asked %} among those asked for{% endif %}.</p>{% endif %}
</section>
{{ uncertainty }}

<section id="power">
<h2>Voting power</h2>
{% if power %}<p class="note">{{ power.note }}</p>
<div class="scroll"><table class="power-table">
<thead><tr><th>actor</th><th class="num">weight</th><th>Shapley&ndash;Shubik</th><th>Banzhaf (normalised)</th></tr></thead>
<tbody>
{% for row in power.rows %}<tr><th>{{ row.label }}</th><td class="num">{{ row.weight }}</td>
<td class="barcell"><span class="bar" style="width: {{ row.ss_width }}px"></span>{{ row.ss }}</td>
<td class="barcell"><span class="bar" style="width: {{ row.bz_width }}px"></span>{{ row.bz }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="note">{{ power_missing }}</p>{% endif %}
</section>

<section id="fronts">
<h2>United fronts</h2>
{% if fronts %}<p class="note">A front merges its members into one negotiating bloc. A member's gain is how far
the outcome moves toward its own positions when the front forms, salience-weighted over the issues it
holds a position on, as a percentage of each issue's scale (positive: the front helps it); the first
column is the mean over the models. A front is stable when every member gains. Beneath: each model's
forecast without &rarr; with the front, and the shift.
{{ front_note }}</p>
{% for front in fronts %}<article class="front">
<h3>{{ front.title }} &mdash; <span class="{{ 'stable' if front.stable else 'unstable' }}">{{ front.verdict }}</span></h3>
{% if front.origin %}<p class="note">{{ front.origin }}.</p>{% endif %}
<div class="scroll"><table class="front-gain-table">
<thead><tr><th>member</th><th class="num">gain{% if front.gain_models %} (mean){% endif %}</th>{% for m in front.gain_models %}<th class="num">{{ m }}</th>{% endfor %}</tr></thead>
<tbody>{% for g in front.gains %}<tr><th>{{ g.label }}</th>{% for v in g.cells %}<td class="num {{ v.direction }}">{{ v.value }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table></div>
<div class="scroll"><table class="front-forecast-table">
<thead><tr><th>model</th>{% for issue in issues %}<th class="num">{{ issue.label }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in front.rows %}<tr><th>{{ row.model }}</th>{% for cell in row.cells %}<td class="num">{{ cell.without }} &rarr; {{ cell.with }}<span class="anchor {{ cell.direction }}">{{ cell.shift }}</span></td>{% endfor %}</tr>{% endfor %}</tbody>
</table></div>
</article>
{% endfor %}{% else %}<p class="note">{{ front_missing }}</p>{% endif %}
</section>

{% if levers %}<section id="levers">
<h2>Levers of {{ levers.label }}</h2>
<p class="note">What {{ levers.label }} can do about the forecast: persuade another actor part or all of the way
toward its position, raise or lower another actor's salience, concede on an issue, add capability, or
negotiate in a front with one or two others. A lever's effect is the change of the actor's value of the
outcome (its salience-weighted closeness to its own positions) in points of each issue's scale (100 = the
whole scale); worst and best across the models, never averaged, ranked by the worst. Its value of the base
forecast: {{ levers.base_values }}. The inputs are analyst judgement: read the levers as what the case implies,
not as facts.</p>
<h3>Going alone or in a front</h3>
<p>{{ levers.fronts }}</p>
<h3>The best lever on each issue</h3>
<ul>{% for row in levers.by_issue %}<li><strong>{{ row.issue }}</strong>: {{ row.lever }}</li>{% endfor %}</ul>
<h3>The levers ranked</h3>
<div class="scroll"><table class="levers-table">
<thead><tr><th class="num">#</th><th>lever</th><th class="num">worst</th><th class="num">best</th><th>helps under</th><th>main shifts</th></tr></thead>
<tbody>{% for row in levers.rows %}<tr><td class="num">{{ row.rank }}</td><td>{{ row.label }}</td><td class="num">{{ row.worst }}</td><td class="num">{{ row.best }}</td><td>{{ row.verdict }}</td><td>{{ row.shifts }}</td></tr>{% endfor %}</tbody>
</table></div>
</section>
{% endif %}
<footer><p>Made by parley {{ version }} from the case file{% if source %} {{ source }}{% endif %}. Models: {{ model_list }}.</p></footer>
</main>
</body>
</html>
"""
