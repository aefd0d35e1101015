"""The chart a crm_plus script report returns beside its rows."""


def report_chart(data: dict, chart_type: str, **options) -> dict:
	"""A frappe-charts chart of ``chart_type`` over ``data`` (labels and datasets), drawn without its entry
	animation.

	frappe-charts animates a new chart by swapping its SVG for an animated copy for a quarter of a second,
	and redraws the chart whenever its container changes size: a redraw inside that quarter of a second (the
	report's table appearing below, a window resized) throws "Failed to execute 'removeChild' on 'Node'" in
	the user's page. Without the entry animation the SVG is never swapped."""
	return {"data": data, "type": chart_type, "disableEntryAnimation": 1, **options}
