black core
