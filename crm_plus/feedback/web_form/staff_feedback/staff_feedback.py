def get_context(context):
	# staff only: the controller refuses web form submissions from website (portal) users
	context.no_cache = 1
