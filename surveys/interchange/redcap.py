def read(content, **k):
    raise NotImplementedError


def write(data):
    raise NotImplementedError


def parse(content, **k):
    raise NotImplementedError
