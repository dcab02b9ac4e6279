python -c 'import platform; print(platform.python_version())' > .python-version
